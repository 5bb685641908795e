/**
 * `db.query.text` of one request: the SQL with its `$n` placeholders, or the DynamoDB command's
 * expressions, which name attributes through `#n` and values through `:v` placeholders. Built
 * only from those fields, so no key or item value can reach it.
 */
import type { QueryEvent } from '../engine/driver.js';

const EXPRESSIONS = ['KeyConditionExpression', 'FilterExpression', 'ConditionExpression', 'UpdateExpression', 'ProjectionExpression'] as const;

interface DynamoInput {
  readonly IndexName?: unknown;
  readonly [k: string]: unknown;
}

function expressions(input: DynamoInput | undefined): string[] {
  if (!input) return [];
  const out: string[] = [];
  if (typeof input.IndexName === 'string') out.push(`IndexName=${input.IndexName}`);
  for (const k of EXPRESSIONS) {
    const v = input[k];
    if (typeof v === 'string') out.push(`${k}=${v}`);
  }
  return out;
}

export function requestText(e: QueryEvent): string | undefined {
  if (e.operation === 'sql') return e.sql;
  const r = e.request as ({ TransactItems?: readonly Record<string, DynamoInput>[]; RequestItems?: Record<string, DynamoInput> } & DynamoInput) | undefined;
  if (!r) return e.operation;
  const parts = expressions(r);
  if (r.TransactItems)
    for (const item of r.TransactItems) for (const [kind, input] of Object.entries(item)) parts.push(`${kind}(${expressions(input).join(' ')})`);
  if (r.RequestItems) for (const input of Object.values(r.RequestItems)) parts.push(...expressions(input));
  return parts.length ? `${e.operation} ${parts.join(' ')}` : e.operation;
}
