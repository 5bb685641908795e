/**
 * Write-sharded global order: `index('createdAt', { shards: N })`. On DynamoDB the index is a
 * GSI whose partition is a shard number (0..N-1) and whose sort key is the field. The shard is
 * a hash of the item's key, so it never changes after the item is written (updates cannot move
 * an item between shards) and writes spread evenly instead of piling on one hot partition.
 */
import type { FieldDef } from './field.js';
import type { IndexDef, ModelDef } from './model.js';

/**
 * The attribute holding the shard number. The hyphen cannot appear in a field name, so it never
 * collides with a field; indexes with the same shard count share it.
 */
export const shardAttribute = (shards: number) => `quern-shard-${shards}`;

export const isShardAttribute = (attr: string) => /^quern-shard-\d+$/.test(attr);

export const shardedIndexes = (model: ModelDef): IndexDef[] => model.indexes.filter((i) => i.shards !== undefined);

/** The GSI key of an index: its own fields, or (shard attribute, field) for a sharded one. */
export function indexKey(index: IndexDef): { partition: string; sort: string | null } {
  if (index.shards !== undefined) return { partition: shardAttribute(index.shards), sort: index.fields[0] };
  return { partition: index.fields[0], sort: index.fields[1] ?? null };
}

/** A shard attribute's values are small integers. */
export const SHARD_FIELD: FieldDef = {
  kind: 'int',
  nullable: false,
  key: true,
  auto: false,
  unique: false,
  createdAt: false,
  updatedAt: false,
  version: false,
};

/**
 * FNV-1a over the item's key as stored (each key attribute's S or N text), modulo the shard
 * count: the driver and the migration backfill compute it from the same stored form, so they
 * always agree, and it is stable across processes and versions.
 */
export function shardOfKeyText(parts: readonly string[], shards: number): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(parts.join('\u0001'), 'utf8')) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % shards;
}
