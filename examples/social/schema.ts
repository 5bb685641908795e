/**
 * A small social app in the Conduit style: users follow users, write articles, favorite them, tag
 * them and comment on them. On DynamoDB each access the app needs is declared, not hand-written:
 *
 * - `favoritesCount` is a counter cache, kept in the same transaction as every favorite write;
 * - the global feed is `index('createdAt', { shards: 4 })`: newest first over every article,
 *   written over 4 partitions instead of one hot one;
 * - an article's comments are colocated: the article with its comments is ONE Query;
 * - follows, favorites and tags are join models keyed for the reads they serve.
 *
 * On PostgreSQL the same schema is plain tables, foreign keys and B-tree indexes.
 */
import { belongsTo, defineSchema, f, hasMany, index, manyToMany, model } from 'quern';

export const User = model('User', {
  id: f.uuid().key().auto(),
  username: f.string().unique(),
  bio: f.text().nullable(),
});

/** Who follows whom: a user's followees are one Query (the key), their followers one Query on the GSI. */
export const Follow = model(
  'Follow',
  {
    followerId: f.uuid(),
    followeeId: f.uuid(),
  },
  { key: ['followerId', 'followeeId'], indexes: [index('followeeId')] },
);

export const Article = model(
  'Article',
  {
    id: f.uuid().key().auto(),
    authorId: f.uuid(),
    title: f.string(),
    body: f.text(),
    createdAt: f.timestamp().createdAt(),
    favoritesCount: f.int().default(0),
  },
  { indexes: [index('createdAt', { shards: 4 }), index('authorId', 'createdAt')] },
);

export const Favorite = model(
  'Favorite',
  {
    articleId: f.uuid(),
    userId: f.uuid(),
  },
  { key: ['articleId', 'userId'], indexes: [index('userId')] },
);

export const Tag = model('Tag', {
  id: f.uuid().key().auto(),
  name: f.string().unique(),
});

export const ArticleTag = model(
  'ArticleTag',
  {
    articleId: f.uuid(),
    tagId: f.uuid(),
  },
  { key: ['articleId', 'tagId'], indexes: [index('tagId')] },
);

/**
 * Comments live in their article's item collection on DynamoDB, whose GSIs they share: their
 * fields are named so that Article's index(authorId, createdAt) does not also hold them.
 */
export const Comment = model('Comment', {
  id: f.uuid().key().auto(),
  articleId: f.uuid(),
  writerId: f.uuid(),
  body: f.text(),
  postedAt: f.timestamp().createdAt(),
});

export const schema = defineSchema(
  { user: User, follow: Follow, article: Article, favorite: Favorite, tag: Tag, articleTag: ArticleTag, comment: Comment },
  {
    relations: {
      user: { articles: hasMany('article', 'authorId'), following: hasMany('follow', 'followerId') },
      follow: { followee: belongsTo('user', 'followeeId', { onDelete: 'cascade' }) },
      article: {
        author: belongsTo('user', 'authorId'),
        comments: hasMany('comment', 'articleId', { colocated: true }),
        tags: manyToMany('tag', { through: 'articleTag', from: 'articleId', to: 'tagId' }),
      },
      favorite: { article: belongsTo('article', 'articleId', { counterCache: 'favoritesCount', onDelete: 'cascade' }) },
      comment: { article: belongsTo('article', 'articleId', { onDelete: 'cascade' }) },
    },
  },
);

export type SocialSchema = typeof schema;
