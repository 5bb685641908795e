/** Schema versions for the denormalization migrations: the same data before and after each declaration. */
import { defineSchema, f, index, model } from 'quern';

const eventFields = {
  id: f.uuid().key().auto(),
  kind: f.string(),
  at: f.timestamp(),
};

/** No global order: listing events newest first would need a Scan. */
export const shards1 = () => defineSchema({ event: model('Event', eventFields) });

/** index('at', { shards: 4 }): a GSI over a shard number, which existing items must be given. */
export const shards2 = () => defineSchema({ event: model('Event', eventFields, { indexes: [index('at', { shards: 4 })] }) });
