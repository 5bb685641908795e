import { belongsTo, defineSchema, f, hasMany, hasOne, index, model } from 'quern';

export const User = model('User', {
  id: f.uuid().key().auto(),
  email: f.string({ maxLength: 254 }).unique(),
  name: f.string({ maxLength: 100 }),
  age: f.int().nullable(),
  createdAt: f.timestamp().createdAt(),
  updatedAt: f.timestamp().updatedAt(),
});

export const Profile = model('Profile', {
  userId: f.uuid().key(),
  bio: f.text(),
  website: f.string().nullable(),
});

export const Post = model('Post', {
  id: f.uuid().key().auto(),
  authorId: f.uuid(),
  title: f.string({ maxLength: 200 }),
  status: f.enum(['draft', 'published']).default('draft'),
  tags: f.list(f.string()).default([]),
  publishedAt: f.timestamp().nullable(),
  createdAt: f.timestamp().createdAt(),
  version: f.int().version(),
}, {
  indexes: [
    // Serves "an author's posts, newest first" and the user → posts include.
    index('authorId', 'createdAt'),
    // Serves "an author's published posts since a date".
    index('authorId', 'publishedAt'),
  ],
});

export const Comment = model('Comment', {
  id: f.uuid().key().auto(),
  postId: f.uuid(),
  authorId: f.uuid(),
  body: f.text(),
  createdAt: f.timestamp().createdAt(),
}, { indexes: [index('postId', 'createdAt'), index('authorId', 'createdAt')] });

export const schema = defineSchema({ user: User, profile: Profile, post: Post, comment: Comment }, {
  relations: {
    user: { posts: hasMany('post', 'authorId'), profile: hasOne('profile', 'userId'), comments: hasMany('comment', 'authorId') },
    profile: { user: belongsTo('user', 'userId') },
    post: { author: belongsTo('user', 'authorId'), comments: hasMany('comment', 'postId') },
    comment: { post: belongsTo('post', 'postId'), author: belongsTo('user', 'authorId') },
  },
});
