/** Schema versions for indexed-list migrations: the same rows before and after `.indexed()`. */
import { defineSchema, f, model } from 'quern';

const fields = (indexed: boolean) => ({
  id: f.uuid().key().auto(),
  title: f.string(),
  tags: indexed ? f.list(f.string()).indexed().default([]) : f.list(f.string()).default([]),
});

/** tags is a plain list: `has` needs a Scan on DynamoDB. */
export const lists1 = () => defineSchema({ item: model('Item', fields(false)) });
/** tags is indexed: a GIN index on PostgreSQL, entries backfilled from the items on DynamoDB. */
export const lists2 = () => defineSchema({ item: model('Item', fields(true)) });
