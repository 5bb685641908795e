/**
 * Counter caches under DynamoDB transport faults: generated random child writes (batches and
 * bulk writes included) through a client whose transport throttles, answers 500s, cancels
 * transactions and drops connections before or after sending. Whatever each write's outcome,
 * afterwards every counter equals the real count (read through a healthy client).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'quern';
import { denorm, type Denorm } from '../conformance/denorm-schema.js';
import { randomWrites } from '../conformance/counter-writes.js';
import { threads, type Threads } from '../conformance/threads-schema.js';
import { randomThreadWrites, threadMismatches } from '../conformance/thread-writes.js';
import { faultyClient, FAULT_KINDS, newControl, type FaultControl } from './fault-transport.js';
import { rng } from './random.js';
import { backends, openTarget, type Opened } from './targets.js';

const have = backends();
const SEED = 0x5eed12;

describe.skipIf(!have.dynamodb)('counter caches under DynamoDB transport faults', () => {
  let healthy: Opened;
  let faulty: Opened;
  const ctl: FaultControl = newControl(
    FAULT_KINDS.filter((k) => k !== 'short-page' && k !== 'unprocessed-keys'),
    0,
  );

  beforeAll(async () => {
    healthy = await openTarget('dynamodb', denorm);
    faulty = await openTarget('dynamodb', denorm, {
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

  it('every counter equals the real count after random writes under faults', { timeout: 240_000 }, async () => {
    const db = healthy.db as unknown as Client<Denorm>;
    const scope = `f${SEED}`;
    const parents: string[] = [];
    for (let i = 0; i < 4; i++) parents.push((await db.article.create({ data: { scope, title: `a${i}` } })).id);
    ctl.rate = 0.3;
    const report = await randomWrites(faulty.db as unknown as Client<Denorm>, rng(SEED + 1), scope, parents, 60, ['DriverError']);
    ctl.rate = 0;
    const injected = Object.values(ctl.injected).reduce((a, b) => a + b, 0);
    const bad: string[] = [];
    for (const a of await db.article.findMany({ where: { scope } })) {
      const favs = await db.favorite.count({ where: { articleId: a.id } });
      const comments = await db.comment.count({ where: { articleId: a.id } });
      if (a.favoritesCount !== favs) bad.push(`${a.title}.favoritesCount = ${a.favoritesCount}, real ${favs}`);
      if (a.commentsCount !== comments) bad.push(`${a.title}.commentsCount = ${a.commentsCount}, real ${comments}`);
    }
    console.log(
      `[counters-faults] ${report.ok} writes committed, ${report.failed} failed; ${injected} faults injected (${JSON.stringify(ctl.injected)}); counters checked: ${parents.length * 2}, mismatches: ${bad.length}`,
    );
    expect(injected).toBeGreaterThan(5);
    expect(bad).toEqual([]);
  });
});

describe.skipIf(!have.dynamodb)('counters × cascades × colocation under DynamoDB transport faults', () => {
  let healthy: Opened;
  let faulty: Opened;
  const ctl: FaultControl = newControl(
    FAULT_KINDS.filter((k) => k !== 'short-page' && k !== 'unprocessed-keys'),
    0,
  );

  beforeAll(async () => {
    healthy = await openTarget('dynamodb', threads);
    faulty = await openTarget('dynamodb', threads, {
      tablePrefix: healthy.tablePrefix,
      push: false,
      dynamoClient: (server) => faultyClient(server, ctl, rng(SEED + 7)),
      retry: { attempts: 8, baseMs: 2, capMs: 20 },
    });
  });

  afterAll(async () => {
    await faulty?.close().catch(() => undefined);
    await (faulty?.driver.raw as { destroy?: () => void } | undefined)?.destroy?.();
    await healthy?.close().catch(() => undefined);
  });

  it('every counter equals the real count after random writes and cascading deletes under faults', { timeout: 240_000 }, async () => {
    const db = healthy.db as unknown as Client<Threads>;
    const scope = `g${SEED}`;
    const users: string[] = [];
    for (let i = 0; i < 4; i++) users.push((await db.user.create({ data: { scope } })).id);
    const list: string[] = [];
    for (let i = 0; i < 3; i++) list.push((await db.thread.create({ data: { scope, title: `t${i}` } })).id);
    ctl.rate = 0.3;
    const report = await randomThreadWrites(faulty.db as unknown as Client<Threads>, rng(SEED + 8), scope, list, users, 50, ['DriverError']);
    ctl.rate = 0;
    const injected = Object.values(ctl.injected).reduce((a, b) => a + b, 0);
    const { checked, bad } = await threadMismatches(db, scope);
    console.log(
      `[counters × cascades × colocation, faults] ${report.ok} writes committed, ${report.failed} failed; ${injected} faults injected; counters checked: ${checked}, mismatches: ${bad.length}`,
    );
    expect(injected).toBeGreaterThan(5);
    expect(bad).toEqual([]);
  });
});
