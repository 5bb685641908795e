// Type tests for relations to a model with a composite key: the include results, the nullable
// belongsTo when a foreign key field is nullable, `_count`, and nested writes that leave the
// foreign key fields to the relation. Checked by `tsc --noEmit`; the functions are never called.
import { describe, expectTypeOf, it } from 'vitest';
import { belongsTo, hasMany, type Client, type Row } from 'quern';
import type { Composite } from '../conformance/composite-schema.js';

type Line = Row<Composite, 'orderLine'>;
type Shipment = Row<Composite, 'shipment'>;

async function includes(db: Client<Composite>) {
  const ships = await db.shipment.findMany({ where: { orderId: 'o' }, include: { line: true } });
  // Non-nullable foreign key fields: the line is always there.
  expectTypeOf(ships[0].line).toEqualTypeOf<Line>();
  expectTypeOf(ships[0].line.lineNo).toEqualTypeOf<number>();

  const notes = await db.note.findMany({ where: { scope: 's' }, include: { line: true } });
  // Nullable foreign key fields (onDelete: setNull): the line may be missing.
  expectTypeOf(notes[0].line).toEqualTypeOf<Line | null>();

  const line = await db.orderLine.findUniqueOrThrow({
    where: { orderId: 'o', lineNo: 1 },
    include: { shipments: { include: { line: true } }, _count: { select: { shipments: true, reviews: true } } },
  });
  expectTypeOf(line.shipments[0].carrier).toEqualTypeOf<string>();
  expectTypeOf(line.shipments[0].line).toEqualTypeOf<Line>();
  expectTypeOf(line._count).toEqualTypeOf<{ shipments: number; reviews: number }>();

  // @ts-expect-error a to-one relation has no count
  await db.shipment.findMany({ include: { _count: { select: { line: true } } } });
}

async function nestedWrites(db: Client<Composite>) {
  // Through the hasMany, the children's foreign key fields come from the relation: both are left out.
  await db.orderLine.create({ data: { orderId: 'o', lineNo: 1, sku: 'a', qty: 1, shipments: { create: [{ carrier: 'ups' }] } } });
  // @ts-expect-error lineNo is one of the fields the relation sets
  await db.orderLine.create({ data: { orderId: 'o', lineNo: 1, sku: 'a', qty: 1, shipments: { create: [{ carrier: 'ups', lineNo: 2 }] } } });
  // With a belongsTo given, both foreign key fields may be left out.
  const s: Shipment = await db.shipment.create({ data: { carrier: 'x', line: { connect: { orderId: 'o', lineNo: 1 } } } });
  expectTypeOf(s.orderId).toEqualTypeOf<string>();
}

describe('composite-key relation types', () => {
  it('are checked by tsc', () => {
    expectTypeOf(includes).toBeFunction();
    expectTypeOf(nestedWrites).toBeFunction();
    // The builders take one field or a non-empty list of fields.
    expectTypeOf(belongsTo('orderLine', ['orderId', 'lineNo']).foreignKeys).toEqualTypeOf<readonly ('orderId' | 'lineNo')[]>();
    expectTypeOf(hasMany('shipment', 'orderId').foreignKeys).toEqualTypeOf<readonly 'orderId'[]>();
    // @ts-expect-error an empty list names no field
    belongsTo('orderLine', []);
  });
});
