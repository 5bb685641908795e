/** What every step of a KV plan run needs: the driver, the schema, params, logging and warnings. */
import type { SchemaDef } from '../../schema/define.js';
import type { ModelDef } from '../../schema/model.js';
import type { KvKeyPart, KvValue } from '../../plan/kv/ops.js';
import type { Diagnostic } from '../../plan/diagnostics.js';
import type { ExecContext } from '../driver.js';
import type { KeyValues, KvDriverCore, Log, Resolve, Row } from './core.js';

export interface RunCtx {
  readonly core: KvDriverCore;
  readonly schema: SchemaDef;
  readonly params: readonly unknown[];
  readonly log: Log;
  readonly warn: (d: Diagnostic) => void;
  /** Parallel requests at most (hasMany includes, BatchGetItem chunks, partitions). */
  readonly concurrency: number;
  /** Requests one fan-out point may send (see bound.ts); undefined: the default. */
  readonly maxFanout?: number;
  /** Items one atomic transaction holds: the target's Capabilities.maxAtomicBatch. */
  readonly atomicLimit: number;
}

const reported = new Set<string>();

export function runCtx(core: KvDriverCore, ctx: ExecContext, params: readonly unknown[], concurrency: number, atomicLimit: number): RunCtx {
  return {
    core,
    schema: ctx.schema,
    params,
    log: ctx.log,
    concurrency,
    maxFanout: ctx.maxFanout,
    atomicLimit,
    warn:
      ctx.warn ??
      ((d) => {
        const k = `${d.code}|${d.model}|${d.message}`;
        if (reported.has(k)) return;
        reported.add(k);
        process.emitWarning(`[quern ${d.code}] ${d.message}${d.fix ? ` (fix: ${d.fix})` : ''}`);
      }),
  };
}

export interface Scope {
  /** Key found through the unique-index table. */
  readonly lookup?: KeyValues | null;
  /** The current item (writes over matched items). */
  readonly item?: Row;
  /** Per-request overrides: one partition value of an `each` list, one parent's key. */
  readonly override?: ReadonlyMap<KvValue, unknown>;
}

export function resolver(x: RunCtx, scope: Scope = {}): Resolve {
  return (ref) => {
    if (scope.override?.has(ref)) return scope.override.get(ref);
    switch (ref.from) {
      case 'param':
        return x.params[ref.slot];
      case 'lookup':
        return scope.lookup ? scope.lookup[ref.attr] : undefined;
      case 'item':
        return scope.item ? scope.item[ref.field] : undefined;
      case 'parent':
        return undefined;
      case 'const':
        return ref.value;
      default: {
        const never: never = ref;
        throw new Error(`unhandled value reference ${JSON.stringify(never)}`);
      }
    }
  };
}

/** A value DynamoDB cannot hold in a key attribute means no item can match (e.g. '' or null). */
export const usableKeyValue = (v: unknown) => v !== null && v !== undefined && v !== '';

/** Every key the parts describe: `each` parts are lists, combined as a cross product. Null when a part cannot match. */
export function expandKeys(parts: readonly KvKeyPart[], resolve: Resolve): KeyValues[] {
  let keys: KeyValues[] = [{}];
  for (const p of parts) {
    const v = resolve(p.value);
    const values = p.each ? (Array.isArray(v) ? v : []) : [v];
    const next: KeyValues[] = [];
    for (const k of keys) for (const x of values) if (usableKeyValue(x)) next.push({ ...k, [p.attr]: x });
    keys = next;
  }
  const seen = new Set<string>();
  return keys.filter((k) => {
    const s = keyString(
      k,
      parts.map((p) => p.attr),
    );
    if (seen.has(s)) return false;
    seen.add(s);
    return true;
  });
}

const norm = (v: unknown) =>
  v instanceof Date ? `d:${v.toISOString()}` : typeof v === 'bigint' ? `n:${v}` : typeof v === 'number' ? `n:${v}` : `s:${String(v)}`;

/** Identity of an item by some of its attributes (for dedup and merge maps). */
export function keyString(row: Row, attrs: readonly string[]): string {
  return attrs.length === 1 ? norm(row[attrs[0]]) : JSON.stringify(attrs.map((a) => norm(row[a])));
}

export const rowKey = (model: ModelDef, row: Row) => keyString(row, model.key);

export function pickKey(model: ModelDef, row: Row): KeyValues {
  const k: KeyValues = {};
  for (const a of model.key) k[a] = row[a];
  return k;
}

/** Runs `fn` over items with at most `limit` in flight, keeping result order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (t: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
