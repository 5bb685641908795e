// Relations to a model with a composite key (OrderLine keyed by (orderId, lineNo)), on every
// target: includes both ways (SQL: one statement joining on both columns; DynamoDB: belongsTo is
// ONE BatchGetItem by the composite key, hasMany a Query on index(orderId, lineNo) pinning
// partition and sort), _count, relation filters (SQL; refused on DynamoDB), onDelete through a
// composite reference (cascade, restrict, setNull), nested writes and connect by the composite key.
import { expect } from 'vitest';
import { belongsTo, createClient, defineSchema, f, ForeignKeyError, hasMany, index, model, NotFoundError, SchemaError } from 'quern';
import { dynamodb } from 'quern/dynamodb';
import { composite, type Composite } from './composite-schema.js';
import { conformance, recordOps, rejection, type Db, type Target } from './targets.js';

type T = Target<Composite>;

async function seed(t: T) {
  const scope = t.tag('order');
  const order = await t.db.order.create({ data: { scope, label: 'o1' } });
  const other = await t.db.order.create({ data: { scope, label: 'o2' } });
  await t.db.orderLine.createMany({
    data: [
      { orderId: order.id, lineNo: 1, sku: 'apple', qty: 3 },
      { orderId: order.id, lineNo: 2, sku: 'pear', qty: 1 },
      { orderId: other.id, lineNo: 1, sku: 'plum', qty: 5 },
    ],
  });
  // Line (order, 1) has two shipments, (order, 2) none, (other, 1) one: the same lineNo under
  // two orders tells a join on lineNo alone apart from one on both fields.
  await t.db.shipment.createMany({
    data: [
      { orderId: order.id, lineNo: 1, carrier: 'ups' },
      { orderId: order.id, lineNo: 1, carrier: 'dhl' },
      { orderId: other.id, lineNo: 1, carrier: 'ups' },
    ],
  });
  return { scope, order, other };
}

/** A hasMany include over several parents is one Query per parent on DynamoDB: a fanout only a lax client runs. */
const reader = async (t: T): Promise<Db<Composite>> => (t.caps.family === 'kv' ? t.lax() : t.db);

conformance<Composite>(
  'composite-key relations',
  ({ scenario }) => {
    scenario('belongsTo include by a composite key: each shipment gets its own line (both fields matched)', {}, async (t) => {
      const { order, other } = await seed(t);
      for (const [o, want] of [
        [order.id, 'apple'],
        [other.id, 'plum'],
      ] as const) {
        const { result, ops } = await recordOps(t, () => t.db.shipment.findMany({ where: { orderId: o }, include: { line: true } }));
        expect(result.length).toBeGreaterThan(0);
        for (const s of result) expect(s.line).toEqual(expect.objectContaining({ orderId: o, lineNo: 1, sku: want }));
        // One statement on SQL; on DynamoDB one Query of the shipments, then ONE BatchGetItem of the distinct lines.
        expect(ops).toEqual(t.caps.family === 'sql' ? ['sql'] : ['Query', 'BatchGetItem']);
      }
    });

    scenario('hasMany include by a composite key: only the rows with both fields equal, [] when none', {}, async (t) => {
      const { order, other } = await seed(t);
      const db = await reader(t);
      const lines = await db.orderLine.findMany({ where: { orderId: order.id }, include: { shipments: true } });
      const byLine = new Map(lines.map((l) => [l.lineNo, l.shipments.map((s) => s.carrier).sort()]));
      expect(byLine).toEqual(
        new Map([
          [1, ['dhl', 'ups']],
          [2, []],
        ]),
      );
      // One line: one Query on index(orderId, lineNo) with both fields in the key condition.
      const { result, ops } = await recordOps(t, () =>
        t.db.orderLine.findUniqueOrThrow({ where: { orderId: other.id, lineNo: 1 }, include: { shipments: { where: { carrier: 'ups' } } } }),
      );
      expect(result.shipments.map((s) => [s.orderId, s.lineNo, s.carrier])).toEqual([[other.id, 1, 'ups']]);
      expect(ops).toEqual(t.caps.family === 'sql' ? ['sql'] : ['GetItem', 'Query']);
    });

    scenario('nested include through the composite relation both ways', {}, async (t) => {
      const { order } = await seed(t);
      const db = await reader(t);
      const o = await db.order.findUniqueOrThrow({ where: { id: order.id }, include: { lines: { include: { shipments: { include: { line: true } } } } } });
      const one = o.lines.find((l) => l.lineNo === 1)!;
      expect(one.shipments).toHaveLength(2);
      for (const s of one.shipments) expect(s.line).toEqual({ orderId: order.id, lineNo: 1, sku: 'apple', qty: 3 });
    });

    scenario('_count of a composite hasMany (lax client on DynamoDB: one COUNT Query per line)', {}, async (t) => {
      const { order } = await seed(t);
      const db = await reader(t);
      const lines = await db.orderLine.findMany({ where: { orderId: order.id }, include: { _count: { select: { shipments: true, reviews: true } } } });
      expect(lines.map((l) => [l.lineNo, l._count.shipments, l._count.reviews]).sort()).toEqual([
        [1, 2, 0],
        [2, 0, 0],
      ]);
      const one = await db.orderLine.findUniqueOrThrow({
        where: { orderId: order.id, lineNo: 1 },
        include: { _count: { select: { shipments: { where: { carrier: 'dhl' } } } } },
      });
      expect(one._count.shipments).toBe(1);
    });

    scenario('_count over several lines in the same request', { needs: ['inlineRelationCounts'] }, async (t) => {
      const { order } = await seed(t);
      const lines = await t.db.orderLine.findMany({ where: { orderId: order.id }, include: { _count: { select: { shipments: true } } } });
      expect(lines.map((l) => l._count.shipments).sort()).toEqual([0, 2]);
    });

    scenario('relation filters through a composite reference (some / none / every / is / isNot)', { needs: ['relationFilters'] }, async (t) => {
      const { order, other } = await seed(t);
      const lineNos = (rows: readonly { lineNo: number }[]) => rows.map((l) => l.lineNo).sort();
      expect(lineNos(await t.db.orderLine.findMany({ where: { orderId: order.id, shipments: { some: { carrier: 'dhl' } } } }))).toEqual([1]);
      expect(lineNos(await t.db.orderLine.findMany({ where: { orderId: order.id, shipments: { none: {} } } }))).toEqual([2]);
      expect(lineNos(await t.db.orderLine.findMany({ where: { orderId: order.id, shipments: { every: { carrier: 'ups' } } } }))).toEqual([2]);
      // (order, 1) has a 'dhl' shipment: a join on lineNo alone would find it for (other, 1) too.
      expect(lineNos(await t.db.orderLine.findMany({ where: { orderId: other.id, shipments: { some: { carrier: 'dhl' } } } }))).toEqual([]);
      const viaLine = await t.db.shipment.findMany({ where: { orderId: { in: [order.id, other.id] }, line: { is: { sku: 'plum' } } } });
      expect(viaLine.map((s) => [s.orderId, s.carrier])).toEqual([[other.id, 'ups']]);
      const notApple = await t.db.shipment.findMany({ where: { orderId: { in: [order.id, other.id] }, line: { isNot: { sku: 'apple' } } } });
      expect(notApple.map((s) => s.orderId)).toEqual([other.id]);
    });

    scenario('nested writes: create children through the relation, connect by the composite key', {}, async (t) => {
      const { order } = await seed(t);
      const line = await t.db.orderLine.create({
        data: { orderId: order.id, lineNo: 3, sku: 'fig', qty: 2, shipments: { create: [{ carrier: 'fedex' }, { carrier: 'ups' }] } },
      });
      expect(line).toEqual(expect.objectContaining({ orderId: order.id, lineNo: 3 }));
      const s = await t.db.shipment.create({ data: { carrier: 'post', line: { connect: { orderId: order.id, lineNo: 2 } } } });
      expect([s.orderId, s.lineNo]).toEqual([order.id, 2]);
      const back = await t.db.orderLine.findUniqueOrThrow({ where: { orderId: order.id, lineNo: 3 }, include: { shipments: true } });
      expect(back.shipments.map((x) => [x.orderId, x.lineNo, x.carrier]).sort()).toEqual([
        [order.id, 3, 'fedex'],
        [order.id, 3, 'ups'],
      ]);
      // Moving a shipment: hasMany connect in an update sets both fields.
      await t.db.orderLine.update({ where: { orderId: order.id, lineNo: 3 }, data: { shipments: { connect: { id: s.id } } } });
      expect(await t.db.shipment.findUniqueOrThrow({ where: { id: s.id } })).toEqual(expect.objectContaining({ orderId: order.id, lineNo: 3 }));
      // A connect to a line that does not exist (the order does, lineNo 9 does not) writes nothing.
      expect(await rejection(t.db.shipment.create({ data: { carrier: 'x', line: { connect: { orderId: order.id, lineNo: 9 } } } }))).toBeInstanceOf(
        NotFoundError,
      );
      expect(await t.db.shipment.count({ where: { orderId: order.id, lineNo: 9 } })).toBe(0);
      // connect must name every key field.
      const partial = await rejection(t.db.shipment.create({ data: { carrier: 'x', line: { connect: { orderId: order.id } as never } } }));
      expect(String(partial)).toMatch(/orderId: value, lineNo: value/);
    });

    scenario('onDelete through a composite reference: cascade, restrict, setNull', {}, async (t) => {
      const { scope, order, other } = await seed(t);
      const note = await t.db.note.create({ data: { scope, orderId: order.id, lineNo: 1, text: 'fragile' } });
      // restrict: a review on (other, 1) refuses deleting that line, and nothing is deleted.
      const review = await t.db.review.create({ data: { orderId: other.id, lineNo: 1, stars: 5 } });
      expect(await rejection(t.db.orderLine.delete({ where: { orderId: other.id, lineNo: 1 } }))).toBeInstanceOf(ForeignKeyError);
      expect(await t.db.shipment.count({ where: { orderId: other.id, lineNo: 1 } })).toBe(1);
      await t.db.review.delete({ where: { id: review.id } });
      // cascade: the line's shipments go with it; setNull: the note stays with both fields cleared.
      await t.db.orderLine.delete({ where: { orderId: order.id, lineNo: 1 } });
      expect(await t.db.shipment.count({ where: { orderId: order.id, lineNo: 1 } })).toBe(0);
      expect(await t.db.shipment.count({ where: { orderId: other.id, lineNo: 1 } })).toBe(1);
      expect(await t.db.note.findUniqueOrThrow({ where: { id: note.id } })).toEqual(expect.objectContaining({ orderId: null, lineNo: null, text: 'fragile' }));
      // Two levels: an order cascades to its lines, which cascade to their shipments.
      await t.db.order.delete({ where: { id: other.id } });
      expect(await t.db.orderLine.count({ where: { orderId: other.id } })).toBe(0);
      expect(await t.db.shipment.count({ where: { orderId: other.id, lineNo: 1 } })).toBe(0);
      // A shipment pointing at a line that does not exist is refused.
      expect(await rejection(t.db.shipment.create({ data: { orderId: order.id, lineNo: 1, carrier: 'late' } }))).toBeInstanceOf(ForeignKeyError);
    });

    scenario('orderBy inside a composite hasMany include', { needs: ['arbitraryOrder'] }, async (t) => {
      const { order } = await seed(t);
      const line = await t.db.orderLine.findUniqueOrThrow({ where: { orderId: order.id, lineNo: 1 }, include: { shipments: { orderBy: { carrier: 'asc' } } } });
      expect(line.shipments.map((s) => s.carrier)).toEqual(['dhl', 'ups']);
    });
  },
  { schema: composite },
);

// Declarations: plain defineSchema calls, no database.
conformance<Composite>(
  'composite-key relation declarations',
  ({ scenario }) => {
    scenario('defineSchema checks the foreign key fields against the referenced key: count, names, kinds, options', {}, async () => {
      const Line = model('Line', { orderId: f.uuid(), lineNo: f.int(), sku: f.string() }, { key: ['orderId', 'lineNo'] });
      const Ship = model('Ship', { id: f.uuid().key(), orderId: f.uuid(), lineNo: f.int(), lineText: f.string(), count: f.int().default(0) });
      const Counted = model('Line', { orderId: f.uuid(), lineNo: f.int(), n: f.int().default(0) }, { key: ['orderId', 'lineNo'] });
      const cases: [string, () => unknown, RegExp][] = [
        [
          'one field for two',
          () => defineSchema({ line: Line, ship: Ship }, { relations: { ship: { line: belongsTo('line', 'orderId') } } }),
          /2-field key \[orderId, lineNo\].*got 1 \[orderId\]/,
        ],
        [
          'three fields for two',
          () => defineSchema({ line: Line, ship: Ship }, { relations: { ship: { line: belongsTo('line', ['orderId', 'lineNo', 'id']) } } }),
          /needs 2 foreign key fields in that order; got 3/,
        ],
        [
          'unknown field',
          () => defineSchema({ line: Line, ship: Ship }, { relations: { ship: { line: belongsTo('line', ['orderId', 'lineNumber'] as never) } } }),
          /'lineNumber' is not a field of Ship/,
        ],
        [
          'kind mismatch (order swapped)',
          () => defineSchema({ line: Line, ship: Ship }, { relations: { ship: { line: belongsTo('line', ['lineNo', 'orderId']) } } }),
          /Ship\.lineNo is int but Line\.orderId \(key field 1 of 2\) is uuid/,
        ],
        [
          'kind mismatch (hasMany side)',
          () => defineSchema({ line: Line, ship: Ship }, { relations: { line: { ships: hasMany('ship', ['orderId', 'lineText']) } } }),
          /Ship\.lineText is string but Line\.lineNo \(key field 2 of 2\) is int/,
        ],
        [
          'repeated field',
          () => defineSchema({ line: Line, ship: Ship }, { relations: { ship: { line: belongsTo('line', ['orderId', 'orderId']) } } }),
          /names orderId twice/,
        ],
        [
          'empty list',
          () => defineSchema({ line: Line, ship: Ship }, { relations: { ship: { line: belongsTo('line', [] as never) } } }),
          /needs a foreign key/,
        ],
        [
          'counter cache over a composite key',
          () => defineSchema({ line: Counted, ship: Ship }, { relations: { ship: { line: belongsTo('line', ['orderId', 'lineNo'], { counterCache: 'n' }) } } }),
          /counterCache needs a single-field reference/,
        ],
        [
          'colocated over a composite key',
          () => defineSchema({ line: Line, ship: Ship }, { relations: { line: { ships: hasMany('ship', ['orderId', 'lineNo'], { colocated: true }) } } }),
          /colocated needs a single-field reference/,
        ],
      ];
      for (const [what, fn, message] of cases) {
        const e = await rejection(Promise.resolve().then(fn));
        expect(e, what).toBeInstanceOf(SchemaError);
        expect((e as Error).message, what).toMatch(message);
      }
      // The single-field form is unchanged, and a list of one is the same relation.
      const one = defineSchema({ line: Line, ship: Ship }, { relations: { ship: { line: belongsTo('line', ['orderId', 'lineNo']) } } });
      expect(one.def.relations.ship.line.foreignKeys).toEqual(['orderId', 'lineNo']);
    });

    scenario('DynamoDB: a composite hasMany without index(fk1, fk2) on the child is index-missing naming it, before any I/O', {}, async () => {
      const Line = model('Line', { orderId: f.uuid(), lineNo: f.int() }, { key: ['orderId', 'lineNo'] });
      const Ship = model('Ship', { id: f.uuid().key(), orderId: f.uuid(), lineNo: f.int() }, { indexes: [index('orderId')] });
      const s = defineSchema({ line: Line, ship: Ship }, { relations: { line: { ships: hasMany('ship', ['orderId', 'lineNo']) } } });
      // Port 9 (discard): nothing answers there, so any request would fail differently.
      const driver = dynamodb({ endpoint: 'http://127.0.0.1:9', region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
      const e = await rejection(createClient({ schema: s, driver }));
      expect(e).toBeInstanceOf(SchemaError);
      expect((e as SchemaError).code).toBe('index-missing');
      expect((e as SchemaError).fix).toBe("add index('orderId', 'lineNo') to Ship");
    });
  },
  { schema: composite, backends: ['pglite'] },
);
