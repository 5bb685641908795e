/**
 * The conformance blog: one schema every target runs. It is shaped for the
 * strictest target (DynamoDB): every relation's foreign key has an index, and
 * the indexes used for "all rows of a parent" have a NON-nullable sort key,
 * because a DynamoDB GSI is sparse (items without the sort attribute are not in
 * it). `Post_authorId_publishedAt_idx` is deliberately sparse: the planner may
 * only use it when the query pins `publishedAt` non-null.
 */
import { belongsTo, defineSchema, f, hasMany, hasOne, index, manyToMany, model, unique } from 'quern';

export const User = model(
  'User',
  {
    id: f.uuid().key().auto(),
    email: f.string({ maxLength: 120 }).unique(),
    name: f.string({ maxLength: 40 }),
    /** Partition for listing users on DynamoDB; tests isolate their data by team. */
    team: f.string(),
    age: f.int().nullable(),
    role: f.enum(['admin', 'member', 'guest']).default('member'),
    createdAt: f.timestamp().createdAt(),
    updatedAt: f.timestamp().updatedAt(),
  },
  { indexes: [index('team', 'name')] },
);

/** Also the home of the scalar types the blog does not otherwise use. */
export const Profile = model(
  'Profile',
  {
    id: f.uuid().key().auto(),
    userId: f.uuid().unique(),
    bio: f.text().nullable(),
    birthday: f.date().nullable(),
    balance: f.decimal().default('0'),
    karma: f.bigint().default(0n),
    verified: f.boolean().default(false),
    prefs: f.json().nullable(),
    scores: f.list(f.int()).default([]),
  },
  { indexes: [index('userId')] },
);

export const Post = model(
  'Post',
  {
    id: f.uuid().key().auto(),
    authorId: f.uuid(),
    title: f.string({ maxLength: 200 }),
    body: f.text().nullable(),
    status: f.enum(['draft', 'published', 'archived']).default('draft'),
    tags: f.list(f.string()).default([]),
    views: f.int().default(0),
    rating: f.float().nullable(),
    publishedAt: f.timestamp().nullable(),
    createdAt: f.timestamp().createdAt(),
    updatedAt: f.timestamp().updatedAt(),
    version: f.int().version(),
  },
  { indexes: [index('authorId', 'title'), index('authorId', 'publishedAt')] },
);

export const Comment = model(
  'Comment',
  {
    id: f.uuid().key().auto(),
    postId: f.uuid(),
    authorId: f.uuid(),
    body: f.string(),
    createdAt: f.timestamp().createdAt(),
  },
  { indexes: [index('postId', 'createdAt'), index('authorId', 'createdAt')] },
);

/** Composite key (partition orgId, sort userId) and a composite unique constraint. */
export const Membership = model(
  'Membership',
  {
    orgId: f.string(),
    userId: f.uuid(),
    role: f.enum(['owner', 'admin', 'member']),
    joinedAt: f.timestamp().createdAt(),
  },
  { key: ['orgId', 'userId'], uniques: [unique('userId', 'role')], indexes: [index('userId', 'orgId')] },
);

/** Many-to-many: posts ↔ tags through PostTag. The inverted index (tagId, postId) is declared by defineSchema. */
export const Tag = model(
  'Tag',
  {
    id: f.uuid().key().auto(),
    team: f.string(),
    name: f.string({ maxLength: 40 }),
  },
  { indexes: [index('team', 'name')] },
);

export const PostTag = model(
  'PostTag',
  {
    postId: f.uuid(),
    tagId: f.uuid(),
    addedAt: f.timestamp().createdAt(),
  },
  { key: ['postId', 'tagId'] },
);

/** onDelete: a project's tasks cascade, a task's assignee is set null, a project with milestones cannot be deleted (restrict). */
export const Project = model(
  'Project',
  {
    id: f.uuid().key().auto(),
    team: f.string(),
    name: f.string({ maxLength: 80 }),
  },
  { indexes: [index('team', 'name')] },
);

/** Also the home of a three-field index (a multi-attribute GSI key on DynamoDB). */
export const Task = model(
  'Task',
  {
    id: f.uuid().key().auto(),
    projectId: f.uuid(),
    assigneeId: f.uuid().nullable(),
    title: f.string({ maxLength: 80 }),
    priority: f.int().default(0),
    done: f.boolean().default(false),
  },
  { indexes: [index('projectId', 'priority', 'title'), index('assigneeId', 'title')] },
);

export const Milestone = model(
  'Milestone',
  {
    id: f.uuid().key().auto(),
    projectId: f.uuid(),
    name: f.string({ maxLength: 80 }),
  },
  { indexes: [index('projectId', 'name')] },
);

export const blog = defineSchema(
  {
    user: User,
    profile: Profile,
    post: Post,
    comment: Comment,
    membership: Membership,
    tag: Tag,
    postTag: PostTag,
    project: Project,
    task: Task,
    milestone: Milestone,
  },
  {
    relations: {
      user: {
        posts: hasMany('post', 'authorId'),
        comments: hasMany('comment', 'authorId'),
        profile: hasOne('profile', 'userId'),
        memberships: hasMany('membership', 'userId'),
      },
      profile: { user: belongsTo('user', 'userId') },
      post: {
        author: belongsTo('user', 'authorId'),
        comments: hasMany('comment', 'postId'),
        labels: manyToMany('tag', { through: 'postTag', from: 'postId', to: 'tagId' }),
      },
      tag: { posts: manyToMany('post', { through: 'postTag', from: 'tagId', to: 'postId' }) },
      project: { tasks: hasMany('task', 'projectId'), milestones: hasMany('milestone', 'projectId') },
      task: {
        project: belongsTo('project', 'projectId', { onDelete: 'cascade' }),
        assignee: belongsTo('user', 'assigneeId', { onDelete: 'setNull' }),
      },
      milestone: { project: belongsTo('project', 'projectId') },
      comment: { post: belongsTo('post', 'postId'), author: belongsTo('user', 'authorId') },
      membership: { user: belongsTo('user', 'userId') },
    },
  },
);

export type Blog = typeof blog;
