/**
 * The list-entry table: ONE table shared by every model of a tablePrefix, `<prefix>quern-list`,
 * partition `pk` (S), sort `sk` (S). An entry says "this row's indexed list holds this element":
 *
 *   pk = '<Model>#<field>#<element>'   element: its encoded scalar (sha256 of it when long)
 *   sk = the row's encoded key         (JSON array of the key values; sha256 when long)
 *   k  = the row's key (M)
 *
 * One entry per row and DISTINCT element, written in the same TransactWriteItems as the row
 * (the row's write carries the condition that its list is still the one the entries were
 * computed from). `has` is a Query of one pk, then a BatchGetItem of the rows.
 */
import { createHash } from 'node:crypto';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { LIST_TABLE } from '../../src/plan/kv/ops.js';
import type { ModelDef } from '../../src/schema/model.js';
import { encodeKey, encodeScalar } from './marshal.js';

export { LIST_TABLE };
export const LIST_PK = 'pk';
export const LIST_SK = 'sk';

const MAX_INLINE = 1024;

const hashed = (s: string) => (Buffer.byteLength(s) > MAX_INLINE ? `sha256:${createHash('sha256').update(s).digest('hex')}` : s);

const scalarText = (av: AttributeValue) => av.S ?? av.N ?? JSON.stringify(av);

export function listEntryPk(model: ModelDef, field: string, element: unknown): string {
  const def = model.fields[field];
  if (def?.kind !== 'list' || !def.element) throw new Error(`internal: ${model.name}.${field} is not a list`);
  return `${model.name}#${field}#${hashed(scalarText(encodeScalar(def.element, element)))}`;
}

export function listEntrySk(model: ModelDef, key: Record<string, unknown>): string {
  return hashed(JSON.stringify(model.key.map((k) => scalarText(encodeScalar(model.fields[k], key[k])))));
}

export function listEntryKey(model: ModelDef, field: string, element: unknown, key: Record<string, unknown>): Record<string, AttributeValue> {
  return { [LIST_PK]: { S: listEntryPk(model, field, element) }, [LIST_SK]: { S: listEntrySk(model, key) } };
}

export function listEntryItem(model: ModelDef, field: string, element: unknown, key: Record<string, unknown>): Record<string, AttributeValue> {
  return { ...listEntryKey(model, field, element, key), k: { M: encodeKey(model, key) } };
}
