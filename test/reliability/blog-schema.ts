/**
 * The differential suites' schema: the example blog plus tags, a many-to-many
 * relation in both directions (post.labels ↔ tag.posts) through an explicit
 * join model. The example app's own schema stays as users read it; this one
 * adds what the generated queries must also cover (m2m includes, their
 * relation filters and `_count`).
 */
import { belongsTo, defineSchema, f, index, manyToMany, model } from 'quern';
import { schema as example } from '../../examples/blog/schema.js';

export const Tag = model(
  'Tag',
  {
    id: f.uuid().key().auto(),
    name: f.string({ maxLength: 40 }),
    kind: f.enum(['topic', 'format']),
    createdAt: f.timestamp().createdAt(),
  },
  // DynamoDB: "the tags of a kind, in creation order" without a scan.
  { indexes: [index('kind', 'createdAt')] },
);

/** The join model; its inverted index (tagId, postId) is declared by defineSchema for tag → posts. */
export const PostTag = model(
  'PostTag',
  {
    postId: f.uuid(),
    tagId: f.uuid(),
    addedAt: f.timestamp(),
  },
  { key: ['postId', 'tagId'] },
);

export const schema = defineSchema(
  { ...example.models, tag: Tag, postTag: PostTag },
  {
    relations: {
      ...example.relations,
      post: { ...example.relations.post, labels: manyToMany('tag', { through: 'postTag', from: 'postId', to: 'tagId' }) },
      tag: { posts: manyToMany('post', { through: 'postTag', from: 'tagId', to: 'postId' }) },
      postTag: { post: belongsTo('post', 'postId'), tag: belongsTo('tag', 'tagId') },
    },
  },
);
