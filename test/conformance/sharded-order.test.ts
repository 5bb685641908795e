// Sharded global order: index('at', { shards: 4 }). On DynamoDB a whole-table order reads the
// 4 shards and merges them (4 requests per page, shown by explain, no fanout diagnostic); on SQL
// it is a plain index. Results and cursors are the same on every target.
import { expect } from 'vitest';
import { CapabilityError, defineSchema, f, index, model } from 'quern';
import { dynamodbTarget } from 'quern/dynamodb';
import { conformance, recordOps, rejection, type Target } from './targets.js';

const SHARDS = 4;

const Event = model(
  'Event',
  {
    id: f.uuid().key().auto(),
    kind: f.enum(['a', 'b']),
    at: f.timestamp(),
    n: f.int(),
  },
  { indexes: [index('at', { shards: SHARDS })] },
);

/** Written by the write scenario only, so the read scenarios see a fixed table. */
const Note = model(
  'Note',
  {
    id: f.uuid().key().auto(),
    body: f.string(),
    at: f.timestamp(),
    pinnedAt: f.timestamp().nullable(),
  },
  { indexes: [index('at', { shards: 3 }), index('pinnedAt', { shards: 2 })] },
);

const schema = defineSchema({ event: Event, note: Note });
type T = Target<typeof schema>;
type Row = { id: string; kind: 'a' | 'b'; at: Date; n: number };

const BASE = Date.UTC(2026, 0, 1);
/** 30 events; three pairs share a timestamp, so ties are broken by the key on every target. */
const SEED = Array.from({ length: 30 }, (_, i) => ({
  kind: (i % 3 === 0 ? 'b' : 'a') as 'a' | 'b',
  at: new Date(BASE + (i - (i % 10 === 1 ? 1 : 0)) * 60_000),
  n: i,
}));

const cmpKey = (a: Row, b: Row) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const asc = (rows: Row[]) => [...rows].sort((a, b) => a.at.getTime() - b.at.getTime() || cmpKey(a, b));
const desc = (rows: Row[]) => [...rows].sort((a, b) => b.at.getTime() - a.at.getTime() || cmpKey(a, b));
const ns = (rows: readonly { n: number }[]) => rows.map((r) => r.n);
const times = (rows: readonly { at: Date }[]) => rows.map((r) => r.at.getTime());
/** findMany adds no tiebreaker on SQL (paginate does): compare the order of timestamps and the set of rows. */
const sameOrder = (got: readonly Row[], want: readonly Row[]) => {
  expect(times(got)).toEqual(times(want));
  expect(ns(got).sort((a, b) => a - b)).toEqual(ns(want).sort((a, b) => a - b));
};
/**
 * A page is one Query per shard. A shard reads one page more only when its need-th and
 * (need+1)-th items tie on the sorted field (the tie group must be complete for an exact merge);
 * which shard an item lands in follows from its random key, so that extra read comes and goes.
 */
const expectShardReads = (ops: readonly string[]) => {
  expect(
    ops.every((o) => o === 'Query'),
    'only Query requests',
  ).toBe(true);
  expect(ops.length).toBeGreaterThanOrEqual(SHARDS);
  expect(ops.length, 'at most one tie-group read per shard').toBeLessThanOrEqual(2 * SHARDS);
};
type PageOf = { items: Row[]; nextCursor: string | null; prevCursor: string | null };

conformance(
  'sharded global order',
  ({ scenario }) => {
    const worlds = new WeakMap<T, Promise<Row[]>>();
    const world = (t: T) => {
      let w = worlds.get(t);
      if (!w) {
        worlds.set(
          t,
          (w = (async () => {
            const rows: Row[] = [];
            for (const data of SEED) rows.push(await t.db.event.create({ data }));
            return rows;
          })()),
        );
      }
      return w;
    };

    scenario('newest first over the whole table, limit honoured; one Query per shard on DynamoDB', {}, async (t) => {
      const all = await world(t);
      const { result, ops } = await recordOps(t, () => t.db.event.findMany({ orderBy: { at: 'desc' }, limit: 10 }));
      sameOrder(result, desc(all).slice(0, 10));
      if (t.name === 'dynamodb') expectShardReads(ops);
      else expect(ops).toEqual(['sql']);
      const everything = await t.db.event.findMany({ orderBy: { at: 'asc' } });
      sameOrder(everything, asc(all));
    });

    scenario('a filter and a range on the sorted field', {}, async (t) => {
      const all = await world(t);
      const since = new Date(BASE + 7 * 60_000);
      const got = await t.db.event.findMany({ where: { kind: 'a', at: { gte: since } }, orderBy: { at: 'asc' }, limit: 6 });
      sameOrder(got, asc(all.filter((r) => r.kind === 'a' && r.at >= since)).slice(0, 6));
      const first = await t.db.event.findFirst({ where: { kind: 'b' }, orderBy: { at: 'desc' } });
      expect(first?.n).toBe(desc(all.filter((r) => r.kind === 'b'))[0].n);
    });

    scenario('paginate forward to the end, then backward to the start: the same order across shards', {}, async (t) => {
      const all = await world(t);
      const want = desc(all);
      const pages: number[][] = [];
      let after: string | null = null;
      const before = t.events.length;
      for (let guard = 0; guard < 10; guard++) {
        const p: PageOf = await t.db.event.paginate({ orderBy: { at: 'desc' }, first: 7, ...(after ? { after } : {}) });
        pages.push(ns(p.items));
        if (guard === 0 && t.name === 'dynamodb') expectShardReads(t.events.slice(before).map((e) => e.operation));
        if (!p.nextCursor) break;
        after = p.nextCursor;
      }
      expect(pages.flat()).toEqual(ns(want));
      expect(pages.map((p) => p.length)).toEqual([7, 7, 7, 7, 2]);

      const back: number[][] = [];
      let beforeCursor: string | null = null;
      for (let guard = 0; guard < 10; guard++) {
        const p: PageOf = await t.db.event.paginate({ orderBy: { at: 'desc' }, last: 7, ...(beforeCursor ? { before: beforeCursor } : {}) });
        back.unshift(ns(p.items));
        if (!p.prevCursor) break;
        beforeCursor = p.prevCursor;
      }
      expect(back.flat()).toEqual(ns(want));
      expect(back.map((p) => p.length)).toEqual([2, 7, 7, 7, 7]);
    });

    scenario('a cursor combined with a range keeps both bounds', {}, async (t) => {
      const all = await world(t);
      const until = new Date(BASE + 20 * 60_000);
      const want = asc(all.filter((r) => r.at < until));
      const q = { where: { at: { lt: until } }, orderBy: { at: 'asc' as const } };
      const p1 = await t.db.event.paginate({ ...q, first: 8 });
      const p2 = await t.db.event.paginate({ ...q, first: 8, after: p1.nextCursor! });
      const p3 = await t.db.event.paginate({ ...q, first: 8, after: p2.nextCursor! });
      expect([...ns(p1.items), ...ns(p2.items), ...ns(p3.items)]).toEqual(ns(want));
      expect(p3.nextCursor).toBeNull();
      const prev = await t.db.event.paginate({ ...q, last: 8, before: p2.prevCursor! });
      expect(ns(prev.items)).toEqual(ns(want.slice(0, 8)));
    });

    scenario('explain shows the shards as declared requests, not a fanout', {}, async (t) => {
      const plan = await t.db.event.findMany({ orderBy: { at: 'desc' }, limit: 20 }).explain({ target: dynamodbTarget });
      expect(plan.diagnostics).toEqual([]);
      expect(plan.text).toContain(`× ${SHARDS} shards`);
      expect(plan.text).toContain(`(${SHARDS} requests)`);
      const own = await t.db.event.findMany({ orderBy: { at: 'desc' }, limit: 20 }).explain();
      expect(own.diagnostics).toEqual([]);
    });

    scenario('an order with no sharded index is refused on DynamoDB, with the sharded index as the fix', {}, async (t) => {
      const all = await world(t);
      const q = () => t.db.event.findMany({ orderBy: { n: 'desc' }, limit: 3 });
      if (t.name !== 'dynamodb') {
        expect(ns(await q())).toEqual([29, 28, 27]);
        expect(all.length).toBe(30);
        return;
      }
      const e = await rejection(q());
      expect(e).toBeInstanceOf(CapabilityError);
      expect((e as CapabilityError).code).toBe('scan-required');
      expect((e as CapabilityError).fix).toContain("index('n', { shards: 8 })");
    });

    scenario('writes keep items in their shard: update, delete, and a nullable sharded field', {}, async (t) => {
      const a = await t.db.note.create({ data: { body: 'a', at: new Date(BASE + 1000), pinnedAt: null } });
      const b = await t.db.note.create({ data: { body: 'b', at: new Date(BASE + 2000), pinnedAt: new Date(BASE) } });
      const c = await t.db.note.create({ data: { body: 'c', at: new Date(BASE + 3000), pinnedAt: new Date(BASE + 5) } });
      await t.db.note.update({ where: { id: a.id }, data: { at: new Date(BASE + 4000), pinnedAt: new Date(BASE + 9) } });
      await t.db.note.delete({ where: { id: b.id } });
      const byAt = await t.db.note.findMany({ orderBy: { at: 'desc' } });
      expect(byAt.map((r) => r.body)).toEqual(['a', 'c']);
      // pinnedAt is nullable: its sharded GSI holds only items that have it, so the filter must say so.
      const pinned = await t.db.note.findMany({ where: { pinnedAt: { not: null } }, orderBy: { pinnedAt: 'asc' } });
      expect(pinned.map((r) => r.body)).toEqual(['c', 'a']);
      if (t.name === 'dynamodb') {
        const e = await rejection(t.db.note.findMany({ orderBy: { pinnedAt: 'asc' } }));
        expect(e).toBeInstanceOf(CapabilityError);
        expect((e as CapabilityError).message).toContain('nullable');
      } else {
        expect((await t.db.note.findMany({ orderBy: { pinnedAt: 'asc' } })).length).toBe(2);
      }
      expect(c.body).toBe('c');
    });
  },
  { schema },
);
