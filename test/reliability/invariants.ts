/**
 * State invariants checked after random writes, faults and contention:
 * every target holds the same rows, and on DynamoDB the unique-index table is
 * exactly what the base tables imply (no orphan entry, no row without its entry,
 * every entry pointing at the row that holds the values).
 */
import { ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Schema } from 'quern';
import { uniqueEntryKey, UNIQUE_PK, UNIQUE_TABLE } from 'quern/dynamodb';
import { canon } from './compare.js';
import { on, type Opened } from './targets.js';

type Row = Record<string, unknown>;

/** Every row of every model, normalised and sorted: comparable across targets. */
export async function snapshot(t: Opened, schema: Schema<any, any>, ignore: readonly string[] = []): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const m of Object.keys(schema.def.models)) {
    const rows = (await on(t.db, m).findMany({ allowScan: true })) as Row[];
    out[m] = rows.map((r) => JSON.stringify(canon(Object.fromEntries(Object.entries(r).filter(([k]) => !ignore.includes(k)))))).sort();
  }
  return out;
}

/** Differences between two snapshots, by model (at most a few lines each). */
export function diffSnapshots(a: Record<string, string[]>, b: Record<string, string[]>, names: [string, string]): string[] {
  const out: string[] = [];
  for (const m of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = new Set(a[m] ?? []),
      y = new Set(b[m] ?? []);
    const onlyA = [...x].filter((r) => !y.has(r));
    const onlyB = [...y].filter((r) => !x.has(r));
    if (onlyA.length || onlyB.length || (a[m]?.length ?? 0) !== (b[m]?.length ?? 0)) {
      out.push(`${m}: ${a[m]?.length ?? 0} rows on ${names[0]}, ${b[m]?.length ?? 0} on ${names[1]}`);
      for (const r of onlyA.slice(0, 3)) out.push(`  only on ${names[0]}: ${r}`);
      for (const r of onlyB.slice(0, 3)) out.push(`  only on ${names[1]}: ${r}`);
    }
  }
  return out;
}

async function scanAll(client: DynamoDBClient, table: string): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  let start: Record<string, AttributeValue> | undefined;
  for (let i = 0; i < 10_000; i++) {
    const out = await client.send(new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: start }));
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
    if (!start) return items;
  }
  throw new Error(`scan of ${table} did not end`);
}

/**
 * DynamoDB only: the unique-index table matches the base tables. Returns the problems found
 * (empty when consistent). `client` must be a healthy client (not a fault-injecting one).
 */
export async function uniqueIndexProblems(t: Opened, schema: Schema<any, any>, client: DynamoDBClient = t.driver.raw as DynamoDBClient): Promise<string[]> {
  if (t.name !== 'dynamodb') return [];
  const problems: string[] = [];
  const entries = await scanAll(client, `${t.tablePrefix}${UNIQUE_TABLE}`);
  const byPk = new Map(entries.map((e) => [e[UNIQUE_PK].S!, e]));
  const claimed = new Set<string>();
  for (const [key, m] of Object.entries(schema.def.models)) {
    if (m.uniques.length === 0) continue;
    const rows = (await on(t.db, key).findMany({ allowScan: true })) as Row[];
    for (const row of rows) {
      for (const u of m.uniques) {
        const values = u.fields.map((f) => row[f]);
        if (values.some((v) => v === null || v === undefined)) continue;
        const pk = uniqueEntryKey(m, u.name, values);
        claimed.add(pk);
        const e = byPk.get(pk);
        const want = JSON.stringify(m.key.map((k) => canon(row[k])));
        if (!e) {
          problems.push(`${m.name} ${want}: no unique entry for ${u.name} = ${JSON.stringify(canon(values))}`);
          continue;
        }
        const k = e.k?.M ?? {};
        const got = JSON.stringify(m.key.map((f) => k[f]?.S ?? k[f]?.N ?? null));
        const wantRaw = JSON.stringify(m.key.map((f) => (row[f] instanceof Date ? (row[f] as Date).toISOString() : String(row[f]))));
        if (got !== wantRaw) problems.push(`${m.name} ${want}: unique entry ${pk} points at ${got}`);
      }
    }
    for (const e of entries) {
      if (e.m?.S === m.name && !claimed.has(e[UNIQUE_PK].S!)) problems.push(`orphan unique entry ${e[UNIQUE_PK].S} → ${JSON.stringify(e.k)}`);
    }
  }
  return problems;
}
