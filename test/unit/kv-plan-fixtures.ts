// Schemas for the offline DynamoDB planner tests.
import { belongsTo, defineSchema, f, hasMany, index, model, unique } from 'quern';

export const User = model('User', {
  id: f.uuid().key().auto(),
  email: f.string().unique(),
  name: f.string(),
  age: f.int().nullable(),
  createdAt: f.timestamp().createdAt(),
  updatedAt: f.timestamp().updatedAt(),
});

/** publishedAt is nullable: index('authorId', 'publishedAt') is sparse (drafts are missing from it). */
export const Post = model(
  'Post',
  {
    id: f.uuid().key().auto(),
    authorId: f.uuid(),
    title: f.string(),
    status: f.enum(['draft', 'published']).default('draft'),
    tags: f.list(f.string()).default([]),
    price: f.decimal().default('0'),
    publishedAt: f.timestamp().nullable(),
    createdAt: f.timestamp().createdAt(),
    version: f.int().version(),
  },
  { indexes: [index('authorId', 'publishedAt'), index('status', 'createdAt')] },
);

export const Comment = model(
  'Comment',
  {
    id: f.uuid().key().auto(),
    postId: f.uuid(),
    body: f.text(),
    createdAt: f.timestamp().createdAt(),
  },
  { indexes: [index('postId', 'createdAt')] },
);

export const Membership = model(
  'Membership',
  {
    orgId: f.string(),
    userId: f.uuid(),
    role: f.string(),
  },
  { key: ['orgId', 'userId'], uniques: [unique('userId', 'role')] },
);

export const blog = defineSchema(
  { user: User, post: Post, comment: Comment, membership: Membership },
  {
    relations: {
      user: { posts: hasMany('post', 'authorId') },
      post: { author: belongsTo('user', 'authorId'), comments: hasMany('comment', 'postId') },
      comment: { post: belongsTo('post', 'postId') },
    },
  },
);

/** The same blog with a plain index on the foreign key, which makes `include: { posts }` servable. */
export const PostIndexed = model('Post', { ...Post.fields }, { indexes: [index('authorId', 'publishedAt'), index('status', 'createdAt'), index('authorId')] });
export const blogIndexed = defineSchema(
  { user: User, post: PostIndexed, comment: Comment, membership: Membership },
  {
    relations: {
      user: { posts: hasMany('post', 'authorId') },
      post: { author: belongsTo('user', 'authorId'), comments: hasMany('comment', 'postId') },
      comment: { post: belongsTo('post', 'postId') },
    },
  },
);
