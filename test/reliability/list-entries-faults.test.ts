/**
 * Indexed-list entries on DynamoDB after generated random writes: once through a healthy client,
 * once through a client whose transport throttles, answers 500s, cancels transactions and drops
 * connections before or after sending. Whatever each write's outcome, afterwards the entry table
 * holds exactly one entry per (row, distinct element), compared item by item with the rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Client } from 'quern';
import { lists, type Lists } from '../conformance/lists-schema.js';
import { randomListWrites } from '../conformance/list-writes.js';
import { listEntryPk, listEntrySk } from '../../drivers/dynamodb/list-entries.js';
import { distinctElements } from '../../src/schema/lists.js';
import { faultyClient, FAULT_KINDS, newControl, type FaultControl } from './fault-transport.js';
import { rng } from './random.js';
import { backends, openTarget, type Opened } from './targets.js';

const have = backends();
const SEED = 0x11575;

/** Entries expected from the scope's rows, and entries found in the table, as `pk | sk` text. */
async function compare(db: Client<Lists>, raw: DynamoDBClient, prefix: string, scopes: readonly string[]): Promise<{ expected: string[]; found: string[] }> {
  const model = lists.def.models.entry;
  const expected: string[] = [];
  for (const scope of scopes) {
    for (const row of await db.entry.findMany({ where: { scope } })) {
      for (const field of ['tags', 'ranks'] as const) {
        for (const e of distinctElements(row[field])) expected.push(`${listEntryPk(model, field, e)} | ${listEntrySk(model, { id: row.id })}`);
      }
    }
  }
  const found: string[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const r = await raw.send(new ScanCommand({ TableName: `${prefix}quern-list`, ExclusiveStartKey: start, ConsistentRead: true }));
    found.push(...(r.Items ?? []).map((it) => `${it.pk.S} | ${it.sk.S}`));
    start = r.LastEvaluatedKey;
  } while (start);
  return { expected: expected.sort(), found: found.sort() };
}

describe.skipIf(!have.dynamodb)('indexed-list entries after random writes on DynamoDB (healthy and under transport faults)', () => {
  let healthy: Opened;
  let faulty: Opened;
  const ctl: FaultControl = newControl(
    FAULT_KINDS.filter((k) => k !== 'short-page' && k !== 'unprocessed-keys'),
    0,
  );

  beforeAll(async () => {
    healthy = await openTarget('dynamodb', lists);
    faulty = await openTarget('dynamodb', lists, {
      tablePrefix: healthy.tablePrefix,
      push: false,
      dynamoClient: (server) => faultyClient(server, ctl, rng(SEED)),
      retry: { attempts: 8, baseMs: 2, capMs: 20 },
    });
  });

  afterAll(async () => {
    await faulty?.close().catch(() => undefined);
    await (faulty?.driver.raw as { destroy?: () => void } | undefined)?.destroy?.();
    await healthy?.close().catch(() => undefined);
  });

  it('every entry matches its row, after 60 healthy writes and 60 writes under faults', { timeout: 240_000 }, async () => {
    const db = healthy.db as unknown as Client<Lists>;
    const raw = healthy.driver.raw as DynamoDBClient;
    const calm = await randomListWrites(db, rng(SEED + 1), 'calm', 60);
    const afterCalm = await compare(db, raw, healthy.tablePrefix!, ['calm']);
    ctl.rate = 0.3;
    const stormy = await randomListWrites(faulty.db as unknown as Client<Lists>, rng(SEED + 2), 'storm', 60, ['DriverError', 'TimeoutError']);
    ctl.rate = 0;
    const injected = Object.values(ctl.injected).reduce((a, b) => a + b, 0);
    const after = await compare(db, raw, healthy.tablePrefix!, ['calm', 'storm']);
    console.log(
      `[list-entries] healthy: ${calm.ok} writes committed, ${calm.failed} failed; faulty: ${stormy.ok} committed, ${stormy.failed} failed, ${injected} faults injected (${JSON.stringify(ctl.injected)}); entries checked: ${after.expected.length}, found: ${after.found.length}`,
    );
    expect(afterCalm.found).toEqual(afterCalm.expected);
    expect(injected).toBeGreaterThan(5);
    expect(after.expected.length).toBeGreaterThan(10);
    expect(after.found).toEqual(after.expected);
  });
});
