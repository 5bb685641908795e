/** What every SQL target's offline descriptor shares; only the driver name, capabilities and serializer differ. */
import type { Capabilities } from '../../plan/capabilities.js';
import type { Operation } from '../../plan/plan.js';
import type { SqlStatement } from '../../plan/sql/ast.js';
import type { SerializedSql } from '../../plan/sql/writer.js';
import type { TargetDescriptor } from '../../plan/target.js';

export interface SqlTarget {
  /** The serializer, memoized per statement: plans are cached, so their statements are too. */
  readonly serializeCached: (stmt: SqlStatement) => SerializedSql;
  /** Describes one plan operation for explain and lint, SQL as the target's dialect writes it. */
  readonly describe: (op: Operation) => string;
  readonly descriptor: (driver: TargetDescriptor['driver'], capabilities: Capabilities, dbSystem?: string) => TargetDescriptor;
}

export function sqlTarget(serialize: (stmt: SqlStatement) => SerializedSql): SqlTarget {
  const serialized = new WeakMap<SqlStatement, SerializedSql>();
  const serializeCached = (stmt: SqlStatement): SerializedSql => {
    let s = serialized.get(stmt);
    if (!s) {
      s = serialize(stmt);
      serialized.set(stmt, s);
    }
    return s;
  };
  const describe = (op: Operation): string => {
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
  };
  return {
    serializeCached,
    describe,
    descriptor: (driver, capabilities, dbSystem) => ({ driver, capabilities, ...(dbSystem ? { dbSystem } : {}), describe, checkSchema: () => [] }),
  };
}
