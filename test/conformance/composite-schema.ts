/**
 * Relations to a model with a composite key: an order line is keyed by (orderId, lineNo), and
 * shipments, reviews and notes point at it with two foreign key fields each, in key order.
 * Shipments cascade with their line, reviews restrict its delete, notes are set to null.
 */
import { belongsTo, defineSchema, f, hasMany, index, model } from 'quern';

export const Order = model('Order', { id: f.uuid().key().auto(), scope: f.string(), label: f.string() }, { indexes: [index('scope')] });

export const OrderLine = model('OrderLine', { orderId: f.uuid(), lineNo: f.int(), sku: f.string(), qty: f.int() }, { key: ['orderId', 'lineNo'] });

export const Shipment = model(
  'Shipment',
  { id: f.uuid().key().auto(), orderId: f.uuid(), lineNo: f.int(), carrier: f.string() },
  { indexes: [index('orderId', 'lineNo')] },
);

export const Review = model(
  'Review',
  { id: f.uuid().key().auto(), orderId: f.uuid(), lineNo: f.int(), stars: f.int() },
  { indexes: [index('orderId', 'lineNo')] },
);

export const Note = model(
  'Note',
  { id: f.uuid().key().auto(), scope: f.string(), orderId: f.uuid().nullable(), lineNo: f.int().nullable(), text: f.string() },
  { indexes: [index('orderId', 'lineNo'), index('scope')] },
);

export const composite = defineSchema(
  { order: Order, orderLine: OrderLine, shipment: Shipment, review: Review, note: Note },
  {
    relations: {
      order: { lines: hasMany('orderLine', 'orderId') },
      orderLine: {
        order: belongsTo('order', 'orderId', { onDelete: 'cascade' }),
        shipments: hasMany('shipment', ['orderId', 'lineNo']),
        reviews: hasMany('review', ['orderId', 'lineNo']),
      },
      shipment: { line: belongsTo('orderLine', ['orderId', 'lineNo'], { onDelete: 'cascade' }) },
      review: { line: belongsTo('orderLine', ['orderId', 'lineNo']) },
      note: { line: belongsTo('orderLine', ['orderId', 'lineNo'], { onDelete: 'setNull' }) },
    },
  },
);

export type Composite = typeof composite;
