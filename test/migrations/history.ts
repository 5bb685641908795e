/**
 * Seven successive versions of one application's models: every kind of change
 * the migration engine handles, in the order a real project might make them.
 */
import { belongsTo, defineSchema, f, hasMany, index, model, unique } from 'quern';

export const v1 = () => {
  const User = model('User', {
    id: f.uuid().key().auto(),
    email: f.string({ maxLength: 100 }).unique(),
    name: f.string(),
    createdAt: f.timestamp().createdAt(),
  });
  const Post = model('Post', {
    id: f.uuid().key().auto(),
    authorId: f.uuid(),
    title: f.string({ maxLength: 200 }),
    status: f.enum(['draft', 'published']).default('draft'),
    createdAt: f.timestamp().createdAt(),
  }, { indexes: [index('authorId', 'createdAt')] });
  return defineSchema({ user: User, post: Post }, {
    relations: { user: { posts: hasMany('post', 'authorId') }, post: { author: belongsTo('user', 'authorId') } },
  });
};

/** Additive: a nullable column, required columns with defaults (existing rows are filled), a new index. */
export const v2 = () => {
  const User = model('User', {
    id: f.uuid().key().auto(),
    email: f.string({ maxLength: 100 }).unique(),
    name: f.string(),
    age: f.int().nullable(),
    createdAt: f.timestamp().createdAt(),
  });
  const Post = model('Post', {
    id: f.uuid().key().auto(),
    authorId: f.uuid(),
    title: f.string({ maxLength: 200 }),
    status: f.enum(['draft', 'published']).default('draft'),
    tags: f.list(f.string()).default([]),
    views: f.int().default(0),
    createdAt: f.timestamp().createdAt(),
  }, { indexes: [index('authorId', 'createdAt'), index('status', 'createdAt')] });
  return defineSchema({ user: User, post: Post }, {
    relations: { user: { posts: hasMany('post', 'authorId') }, post: { author: belongsTo('user', 'authorId') } },
  });
};

/** A rename (passed as --rename Post.title=headline) that also widens, an enum value added, a unique column widened. */
export const v3 = () => {
  const User = model('User', {
    id: f.uuid().key().auto(),
    email: f.string({ maxLength: 254 }).unique(),
    name: f.string(),
    age: f.int().nullable(),
    createdAt: f.timestamp().createdAt(),
  });
  const Post = model('Post', {
    id: f.uuid().key().auto(),
    authorId: f.uuid(),
    headline: f.string({ maxLength: 300 }),
    status: f.enum(['draft', 'published', 'archived']).default('draft'),
    tags: f.list(f.string()).default([]),
    views: f.int().default(0),
    createdAt: f.timestamp().createdAt(),
  }, { indexes: [index('authorId', 'createdAt'), index('status', 'createdAt')] });
  return defineSchema({ user: User, post: Post }, {
    relations: { user: { posts: hasMany('post', 'authorId') }, post: { author: belongsTo('user', 'authorId') } },
  });
};

/** A new model with a relation (foreign key, GSI), and a composite unique on existing rows (backfilled on DynamoDB). */
export const v4 = () => {
  const User = model('User', {
    id: f.uuid().key().auto(),
    email: f.string({ maxLength: 254 }).unique(),
    name: f.string(),
    age: f.int().nullable(),
    createdAt: f.timestamp().createdAt(),
  });
  const Post = model('Post', {
    id: f.uuid().key().auto(),
    authorId: f.uuid(),
    headline: f.string({ maxLength: 300 }),
    status: f.enum(['draft', 'published', 'archived']).default('draft'),
    tags: f.list(f.string()).default([]),
    views: f.int().default(0),
    createdAt: f.timestamp().createdAt(),
  }, { indexes: [index('authorId', 'createdAt'), index('status', 'createdAt')], uniques: [unique('authorId', 'headline')] });
  const Comment = model('Comment', {
    id: f.uuid().key().auto(),
    postId: f.uuid(),
    body: f.text(),
    createdAt: f.timestamp().createdAt(),
  }, { indexes: [index('postId', 'createdAt')] });
  return defineSchema({ user: User, post: Post, comment: Comment }, {
    relations: {
      user: { posts: hasMany('post', 'authorId') },
      post: { author: belongsTo('user', 'authorId'), comments: hasMany('comment', 'postId') },
      comment: { post: belongsTo('post', 'postId') },
    },
  });
};

/** Destructive: a GSI removed, a column dropped; and a column made nullable, a type widened. */
export const v5 = () => {
  const User = model('User', {
    id: f.uuid().key().auto(),
    email: f.string({ maxLength: 254 }).unique(),
    name: f.string().nullable(),
    age: f.bigint().nullable(),
    createdAt: f.timestamp().createdAt(),
  });
  const Post = model('Post', {
    id: f.uuid().key().auto(),
    authorId: f.uuid(),
    headline: f.string({ maxLength: 300 }),
    status: f.enum(['draft', 'published', 'archived']).default('draft'),
    tags: f.list(f.string()).default([]),
    createdAt: f.timestamp().createdAt(),
  }, { indexes: [index('authorId', 'createdAt')], uniques: [unique('authorId', 'headline')] });
  const Comment = model('Comment', {
    id: f.uuid().key().auto(),
    postId: f.uuid(),
    body: f.text(),
    createdAt: f.timestamp().createdAt(),
  }, { indexes: [index('postId', 'createdAt')] });
  return defineSchema({ user: User, post: Post, comment: Comment }, {
    relations: {
      user: { posts: hasMany('post', 'authorId') },
      post: { author: belongsTo('user', 'authorId'), comments: hasMany('comment', 'postId') },
      comment: { post: belongsTo('post', 'postId') },
    },
  });
};

/**
 * Renames declared in the models: Post becomes Article (keeping its table, as DynamoDB
 * tables cannot be renamed) and headline becomes subject. Index and constraint names follow.
 */
export const v6 = () => {
  const User = model('User', {
    id: f.uuid().key().auto(),
    email: f.string({ maxLength: 254 }).unique(),
    name: f.string().nullable(),
    age: f.bigint().nullable(),
    createdAt: f.timestamp().createdAt(),
  });
  const Article = model('Article', {
    id: f.uuid().key().auto(),
    authorId: f.uuid(),
    subject: f.string({ maxLength: 300 }).renamedFrom('headline'),
    status: f.enum(['draft', 'published', 'archived']).default('draft'),
    tags: f.list(f.string()).default([]),
    createdAt: f.timestamp().createdAt(),
  }, { table: 'Post', renamedFrom: 'Post', indexes: [index('authorId', 'createdAt')], uniques: [unique('authorId', 'subject')] });
  const Comment = model('Comment', {
    id: f.uuid().key().auto(),
    postId: f.uuid(),
    body: f.text(),
    createdAt: f.timestamp().createdAt(),
  }, { indexes: [index('postId', 'createdAt')] });
  return defineSchema({ user: User, article: Article, comment: Comment }, {
    relations: {
      user: { articles: hasMany('article', 'authorId') },
      article: { author: belongsTo('user', 'authorId'), comments: hasMany('comment', 'postId') },
      comment: { article: belongsTo('article', 'postId') },
    },
  });
};

/** A model dropped (destructive), an index added back. */
export const v7 = () => {
  const User = model('User', {
    id: f.uuid().key().auto(),
    email: f.string({ maxLength: 254 }).unique(),
    name: f.string().nullable(),
    age: f.bigint().nullable(),
    createdAt: f.timestamp().createdAt(),
  });
  const Article = model('Article', {
    id: f.uuid().key().auto(),
    authorId: f.uuid(),
    subject: f.string({ maxLength: 300 }),
    status: f.enum(['draft', 'published', 'archived']).default('draft'),
    tags: f.list(f.string()).default([]),
    createdAt: f.timestamp().createdAt(),
  }, { table: 'Post', indexes: [index('authorId', 'createdAt'), index('status')], uniques: [unique('authorId', 'subject')] });
  return defineSchema({ user: User, article: Article }, {
    relations: {
      user: { articles: hasMany('article', 'authorId') },
      article: { author: belongsTo('user', 'authorId') },
    },
  });
};

export const HISTORY = [
  { name: 'init', schema: v1, renames: [] as string[], destructive: false },
  { name: 'ages_tags_views', schema: v2, renames: [], destructive: false },
  { name: 'headline', schema: v3, renames: ['Post.title=headline'], destructive: false },
  { name: 'comments', schema: v4, renames: [], destructive: false },
  { name: 'cleanup', schema: v5, renames: [], destructive: true },
  { name: 'articles', schema: v6, renames: [], destructive: false },
  { name: 'drop_comments', schema: v7, renames: [], destructive: true },
] as const;
