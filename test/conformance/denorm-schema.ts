/**
 * A small Conduit-style schema for the denormalization declarations: counter caches on
 * articles (favorites keyed by (articleId, userId), comments with a nullable foreign key).
 */
import { belongsTo, defineSchema, f, hasMany, index, model } from 'quern';

export const Article = model(
  'Article',
  {
    id: f.uuid().key().auto(),
    /** Tests isolate their rows by scope. */
    scope: f.string(),
    title: f.string(),
    favoritesCount: f.int().default(0),
    commentsCount: f.int().default(0),
  },
  { indexes: [index('scope', 'title')] },
);

export const Favorite = model(
  'Favorite',
  {
    articleId: f.uuid(),
    userId: f.string(),
    note: f.string().default(''),
  },
  { key: ['articleId', 'userId'] },
);

export const Comment = model(
  'Comment',
  {
    id: f.uuid().key().auto(),
    scope: f.string(),
    /** Nullable: a comment may belong to no article (and then counts nowhere). */
    articleId: f.uuid().nullable(),
    body: f.string(),
  },
  { indexes: [index('articleId'), index('scope')] },
);

export const denorm = defineSchema(
  { article: Article, favorite: Favorite, comment: Comment },
  {
    relations: {
      article: { favorites: hasMany('favorite', 'articleId') },
      favorite: { article: belongsTo('article', 'articleId', { counterCache: 'favoritesCount' }) },
      comment: { article: belongsTo('article', 'articleId', { counterCache: 'commentsCount' }) },
    },
  },
);

export type Denorm = typeof denorm;
