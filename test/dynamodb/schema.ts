// A small blog for the DynamoDB driver tests (DynamoDB Local).
import { belongsTo, defineSchema, f, hasMany, index, model, unique } from 'quern';

export const User = model(
  'User',
  {
    id: f.uuid().key().auto(),
    email: f.string().unique(),
    handle: f.string().nullable().unique(),
    name: f.string(),
    team: f.string(),
    age: f.int().nullable(),
    createdAt: f.timestamp().createdAt(),
    updatedAt: f.timestamp().updatedAt(),
  },
  { indexes: [index('team', 'name')] },
);

export const Post = model(
  'Post',
  {
    id: f.uuid().key().auto(),
    authorId: f.uuid(),
    title: f.string(),
    body: f.text().nullable(),
    status: f.enum(['draft', 'published']).default('draft'),
    tags: f.list(f.string()).default([]),
    views: f.int().default(0),
    score: f.bigint().default(0n),
    price: f.decimal().default('0'),
    day: f.date().nullable(),
    meta: f.json().nullable(),
    publishedAt: f.timestamp().nullable(),
    version: f.int().version(),
  },
  { indexes: [index('authorId', 'title'), index('status', 'title')] },
);

export const Seat = model(
  'Seat',
  {
    venue: f.string(),
    seat: f.string(),
    holder: f.uuid(),
    row: f.int(),
  },
  { key: ['venue', 'seat'], uniques: [unique('holder', 'venue')] },
);

export const schema = defineSchema(
  { user: User, post: Post, seat: Seat },
  {
    relations: {
      user: { posts: hasMany('post', 'authorId') },
      post: { author: belongsTo('user', 'authorId') },
    },
  },
);
