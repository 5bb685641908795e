/**
 * The unique-index table: ONE table shared by every model of a tablePrefix,
 * `<prefix>quern-unique`, partition key `pk` (S). An entry claims a unique
 * constraint's values for one row:
 *
 *   pk = '<Model>#<constraint>#<values>'   values: JSON array of the encoded values
 *                                          (sha256 of it when long, to stay under the 2 KB key limit)
 *   m  = model name, c = constraint name, k = the row's key (M)
 *
 * Rows whose constraint has a null field hold no entry (NULLs are distinct, as in SQL).
 * Entries are written under attribute_not_exists(pk) in the same TransactWriteItems as the row.
 */
import { createHash } from 'node:crypto';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { UNIQUE_TABLE } from '../../src/plan/kv/ops.js';
import type { ModelDef } from '../../src/schema/model.js';
import { minimalDecimal } from '../../src/schema/decimal.js';
import { encodeKey, encodeScalar } from './marshal.js';

export { UNIQUE_TABLE };
export const UNIQUE_PK = 'pk';

const MAX_INLINE = 1024;

export function uniqueEntryKey(model: ModelDef, constraint: string, values: readonly unknown[]): string {
  const u = model.uniques.find((x) => x.name === constraint);
  if (!u) throw new Error(`internal: ${model.name} has no unique constraint ${constraint}`);
  const enc = JSON.stringify(
    u.fields.map((f, i) => {
      // Numerically equal decimals ('1.5', '1.50') are the same unique value, as in SQL.
      if (model.fields[f].kind === 'decimal') return minimalDecimal(String(values[i]));
      const av = encodeScalar(model.fields[f], values[i]);
      return av.S ?? av.N ?? JSON.stringify(av);
    }),
  );
  const body = Buffer.byteLength(enc) > MAX_INLINE ? `sha256:${createHash('sha256').update(enc).digest('hex')}` : enc;
  return `${model.name}#${constraint}#${body}`;
}

export function uniqueEntryItem(model: ModelDef, constraint: string, values: readonly unknown[], key: Record<string, unknown>): Record<string, AttributeValue> {
  return {
    [UNIQUE_PK]: { S: uniqueEntryKey(model, constraint, values) },
    m: { S: model.name },
    c: { S: constraint },
    k: { M: encodeKey(model, key) },
  };
}
