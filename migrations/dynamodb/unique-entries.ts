/**
 * Unique-index entries exactly as the driver writes them (drivers/dynamodb/unique.ts):
 * one shared `quern-unique` table, entry `pk` = model # constraint # values,
 * attributes m (model), c (constraint), k (the owning row's key).
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { ModelDef } from '../../src/schema/model.js';
import { decodeRow, encodeKey } from '../../drivers/dynamodb/marshal.js';
import { UNIQUE_PK, UNIQUE_TABLE, uniqueEntryItem, uniqueEntryKey } from '../../drivers/dynamodb/unique.js';

export { UNIQUE_TABLE, UNIQUE_PK };

type Item = Record<string, AttributeValue>;

export interface Entry {
  readonly key: Item;
  readonly item: Item;
  /** Put condition: the entry is free, or already this row's (a re-run writes it again harmlessly). */
  readonly condition: { ConditionExpression: string; ExpressionAttributeNames: Record<string, string>; ExpressionAttributeValues: Item };
}

/** The entry an item of `model` holds for `constraint`, or null when one of its fields is null (not constrained). */
export function entryFor(model: ModelDef, constraint: string, raw: Item): Entry | null {
  const u = model.uniques.find((x) => x.name === constraint);
  if (!u) throw new Error(`internal: ${model.name} has no unique constraint ${constraint}`);
  const row = decodeRow(model, raw);
  const values = u.fields.map((f) => row[f]);
  if (values.some((v) => v === null || v === undefined)) return null;
  const key = Object.fromEntries(model.key.map((k) => [k, row[k]]));
  return {
    key: { [UNIQUE_PK]: { S: uniqueEntryKey(model, constraint, values) } },
    item: uniqueEntryItem(model, constraint, values, key),
    condition: {
      ConditionExpression: 'attribute_not_exists(#pk) OR #k = :k',
      ExpressionAttributeNames: { '#pk': UNIQUE_PK, '#k': 'k' },
      ExpressionAttributeValues: { ':k': { M: encodeKey(model, key) } },
    },
  };
}

/** Scan filter for the entries of one model's constraint. */
export function entriesOf(model: string, constraint: string) {
  return {
    FilterExpression: '#m = :m AND #c = :c',
    ExpressionAttributeNames: { '#m': 'm', '#c': 'c' },
    ExpressionAttributeValues: { ':m': { S: model }, ':c': { S: constraint } } as Item,
  };
}
