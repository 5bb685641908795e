/**
 * The benchmark's models, written the way a quern user would write them. The
 * raw and Drizzle contenders use the very tables quern creates from these
 * (`db.push()`), so every contender reads the same physical rows and indexes.
 */
import { belongsTo, defineSchema, f, hasMany, index, model } from '../src/index.js';

export const User = model(
  'User',
  {
    id: f.uuid().key().auto(),
    email: f.string().unique(),
    name: f.string(),
    age: f.int().nullable(),
    createdAt: f.timestamp().createdAt(),
  },
  { table: 'bench_users' },
);

export const Post = model(
  'Post',
  {
    id: f.uuid().key().auto(),
    authorId: f.uuid(),
    title: f.string(),
    status: f.enum(['draft', 'published']).default('draft'),
    views: f.int().default(0),
    publishedAt: f.timestamp(),
    version: f.int().version(),
  },
  { table: 'bench_posts', indexes: [index('authorId', 'publishedAt'), index('status', 'publishedAt')] },
);

/** Ten columns of mixed types: the row-mapping, findMany and keyset-pagination subject. */
export const Item = model(
  'Item',
  {
    id: f.uuid().key().auto(),
    seq: f.int().unique(),
    category: f.string(),
    label: f.string(),
    score: f.float(),
    price: f.decimal(),
    active: f.boolean(),
    tags: f.list(f.string()).default([]),
    createdAt: f.timestamp(),
    note: f.text().nullable(),
  },
  { table: 'bench_items', indexes: [index('category', 'seq')] },
);

/** The insert target of workload 5. */
export const Event = model(
  'Event',
  {
    id: f.uuid().key().auto(),
    userId: f.uuid(),
    kind: f.string(),
    amount: f.int(),
    note: f.string(),
    at: f.timestamp(),
  },
  { table: 'bench_events' },
);

export const schema = defineSchema(
  { user: User, post: Post, item: Item, event: Event },
  {
    relations: {
      user: { posts: hasMany('post', 'authorId') },
      post: { author: belongsTo('user', 'authorId') },
    },
  },
);

/** Physical names, shared by the hand-written SQL and the Drizzle schema. */
export const TABLES = { user: 'bench_users', post: 'bench_posts', item: 'bench_items', event: 'bench_events' } as const;
