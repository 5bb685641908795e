/** Schema versions for the denormalization migrations: the same data before and after each declaration. */
import { belongsTo, defineSchema, f, hasMany, index, model } from 'quern';

const eventFields = {
  id: f.uuid().key().auto(),
  kind: f.string(),
  at: f.timestamp(),
};

/** No global order: listing events newest first would need a Scan. */
export const shards1 = () => defineSchema({ event: model('Event', eventFields) });

/** index('at', { shards: 4 }): a GSI over a shard number, which existing items must be given. */
export const shards2 = () => defineSchema({ event: model('Event', eventFields, { indexes: [index('at', { shards: 4 })] }) });

const userFields = { id: f.uuid().key().auto(), name: f.string(), postsCount: f.int().default(0) };
const postFields = { id: f.uuid().key().auto(), authorId: f.uuid(), title: f.string(), slug: f.string().unique() };
const collection = (colocated: boolean, counter: boolean) =>
  defineSchema({
    user: model('User', userFields),
    // In its own table a post needs a GSI on authorId for the relation (kept when colocated: the move carries GSIs too).
    post: model('Post', postFields, { indexes: [index('title'), index('authorId')] }),
  }, {
    relations: {
      user: { posts: hasMany('post', 'authorId', colocated ? { colocated: true } : {}) },
      post: { author: belongsTo('user', 'authorId', counter ? { counterCache: 'postsCount' } : {}) },
    },
  });

/** Posts in their own table; no counter. */
export const colo1 = () => collection(false, false);
/** Posts colocated with their author, whose postsCount counts them: the items move, the counters are computed. */
export const colo2 = () => collection(true, true);
/** No longer colocated (the counter stays): the items move back. */
export const colo3 = () => collection(false, true);

const articleFields = { id: f.uuid().key().auto(), title: f.string(), favoritesCount: f.int().default(0) };
const counter = (on: boolean) =>
  defineSchema({
    article: model('Article', articleFields),
    favorite: model('Favorite', { id: f.uuid().key().auto(), articleId: f.uuid() }, { indexes: [index('articleId')] }),
  }, { relations: { favorite: { article: belongsTo('article', 'articleId', on ? { counterCache: 'favoritesCount' } : {}) } } });

/** Favorites, no counter cache: favoritesCount stays at its default. */
export const counter1 = () => counter(false);
/** belongsTo(..., { counterCache: 'favoritesCount' }): existing counts are backfilled. */
export const counter2 = () => counter(true);
