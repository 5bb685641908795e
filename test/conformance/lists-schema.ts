/**
 * Indexed lists (`f.list(...).indexed()`): articles with an indexed tag list and an indexed
 * list of numbers, a version-less model (entries guarded by the list itself), and an author
 * whose deletion cascades to its articles (their entries go in the same transaction).
 */
import { belongsTo, defineSchema, f, hasMany, index, model } from 'quern';

export const Writer = model('Writer', {
  id: f.uuid().key().auto(),
  name: f.string(),
});

export const Entry = model(
  'Entry',
  {
    id: f.uuid().key().auto(),
    /** Tests isolate their rows by scope (and by tag values that carry the scope). */
    scope: f.string(),
    writerId: f.uuid().nullable(),
    title: f.string(),
    tags: f.list(f.string()).indexed().default([]),
    ranks: f.list(f.int()).indexed().nullable(),
    /** Not indexed: `has` on it needs a scan on DynamoDB, and the fix names `.indexed()`. */
    labels: f.list(f.string()).default([]),
  },
  { indexes: [index('scope', 'title'), index('writerId')] },
);

export const lists = defineSchema(
  { writer: Writer, entry: Entry },
  {
    relations: {
      writer: { entries: hasMany('entry', 'writerId') },
      entry: { writer: belongsTo('writer', 'writerId', { onDelete: 'cascade' }) },
    },
  },
);

export type Lists = typeof lists;
