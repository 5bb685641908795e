/** Connection-free description of the SQLite target: enough to plan, explain and lint offline. */
import { sqliteCapabilities } from '../../src/plan/capabilities.js';
import type { TargetDescriptor } from '../../src/engine/driver.js';
import type { Operation } from '../../src/plan/plan.js';
import type { SqlStatement } from '../../src/plan/sql/ast.js';
import { serialize, type SerializedSql } from './serialize.js';

// Plans are cached, so their statements are too: serialise each one once.
const serialized = new WeakMap<SqlStatement, SerializedSql>();

export function serializeCached(stmt: SqlStatement): SerializedSql {
  let s = serialized.get(stmt);
  if (!s) {
    s = serialize(stmt);
    serialized.set(stmt, s);
  }
  return s;
}

function describe(op: Operation): string {
  switch (op.kind) {
    case 'sql':
      return serializeCached(op.stmt).text;
    case 'Merge':
      return `merge ${op.relation} (${op.cardinality})`;
    case 'ClientFilter':
      return `filter ${op.model} in the engine: ${op.reason}`;
    case 'Fold':
      return `fold ${op.model} in the engine: ${op.reason}`;
    case 'CounterRead':
      return `counter read ${op.model}.${op.field} as _count.${op.relation} (the counter cache, no request)`;
    default:
      return op.kind;
  }
}

export const sqliteTarget: TargetDescriptor = {
  driver: 'sqlite',
  capabilities: sqliteCapabilities,
  describe,
  checkSchema: () => [],
};
