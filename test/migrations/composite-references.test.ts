/**
 * A relation to a model with a composite key in migrations (offline render): PostgreSQL gets ONE
 * composite FOREIGN KEY with its delete action, the snapshot keeps the reference and its action
 * through the file round trip, and changing the action rebuilds the constraint. DynamoDB has no
 * foreign keys: the composite hasMany needs the child's index(fk1, fk2), created as a GSI.
 */
import { describe, expect, it } from 'vitest';
import { belongsTo, defineSchema, f, hasMany, index, model, type OnDelete } from 'quern';
import { diffSchemas } from '../../migrations/diff/diff.js';
import { nonInteractiveResolver } from '../../migrations/diff/renames.js';
import { renderPostgres } from '../../migrations/postgres/render.js';
import { renderDynamo } from '../../migrations/dynamodb/render.js';
import { EMPTY_SCHEMA, normalizeSchema, parseSnapshot, renderSnapshot, sameSchema } from '../../migrations/snapshot.js';
import type { SchemaDef } from '../../src/schema/define.js';

const schema = (onDelete: OnDelete | null) =>
  defineSchema(
    {
      line: model('OrderLine', { orderId: f.uuid(), lineNo: f.int(), sku: f.string() }, { key: ['orderId', 'lineNo'] }),
      shipment: model('Shipment', { id: f.uuid().key().auto(), orderId: f.uuid().nullable(), lineNo: f.int().nullable() }, { indexes: [index('orderId', 'lineNo')] }),
    },
    onDelete
      ? {
          relations: {
            line: { shipments: hasMany('shipment', ['orderId', 'lineNo']) },
            shipment: { line: belongsTo('line', ['orderId', 'lineNo'], { onDelete }) },
          },
        }
      : {},
  ).def;

const diff = (a: SchemaDef, b: SchemaDef) => diffSchemas(normalizeSchema(a), normalizeSchema(b), { resolver: nonInteractiveResolver(false) });

describe('composite references in migrations', () => {
  it('first migration: the tables, then one FOREIGN KEY over both columns with its action', async () => {
    const sql = renderPostgres(await diff(EMPTY_SCHEMA, schema('cascade'))).statements.map((s) => s.sql);
    expect(sql.at(-1)).toBe(
      'ALTER TABLE "Shipment" ADD CONSTRAINT "Shipment_orderId_lineNo_fkey" FOREIGN KEY ("orderId", "lineNo") REFERENCES "OrderLine" ("orderId", "lineNo") ON DELETE CASCADE',
    );
    expect(sql.filter((s) => s.includes('FOREIGN KEY'))).toHaveLength(1);
    const kv = renderDynamo(await diff(EMPTY_SCHEMA, schema('cascade'))).steps;
    expect(JSON.stringify(kv)).toContain('Shipment_orderId_lineNo_idx');
  });

  it('the snapshot keeps the fields and the action through its file', () => {
    const next = normalizeSchema(schema('setNull'));
    expect(next.relations.shipment.line).toEqual(expect.objectContaining({ foreignKeys: ['orderId', 'lineNo'], onDelete: 'setNull' }));
    const text = renderSnapshot({ migration: '0001_x', targets: ['postgres'], parent: null, schema: next });
    expect(sameSchema(parseSnapshot(text, 'snapshot.json').schema, schema('setNull'))).toBe(true);
    expect(sameSchema(parseSnapshot(text, 'snapshot.json').schema, schema('cascade'))).toBe(false);
  });

  it('adding the relation to existing tables, and changing its action, rebuild the constraint', async () => {
    const added = renderPostgres(await diff(schema(null), schema('restrict'))).statements.map((s) => s.sql);
    expect(added).toEqual([
      'ALTER TABLE "Shipment" ADD CONSTRAINT "Shipment_orderId_lineNo_fkey" FOREIGN KEY ("orderId", "lineNo") REFERENCES "OrderLine" ("orderId", "lineNo")',
    ]);
    const changed = renderPostgres(await diff(schema('restrict'), schema('setNull'))).statements.map((s) => s.sql);
    expect(changed).toEqual([
      'ALTER TABLE "Shipment" DROP CONSTRAINT "Shipment_orderId_lineNo_fkey"',
      'ALTER TABLE "Shipment" ADD CONSTRAINT "Shipment_orderId_lineNo_fkey" FOREIGN KEY ("orderId", "lineNo") REFERENCES "OrderLine" ("orderId", "lineNo") ON DELETE SET NULL',
    ]);
    expect(renderPostgres(await diff(schema('setNull'), schema('setNull'))).statements).toEqual([]);
  });

  it('a snapshot written before composite references (foreignKey: one string) still reads, as the same schema', () => {
    const single = defineSchema(
      {
        user: model('User', { id: f.uuid().key() }),
        post: model('Post', { id: f.uuid().key(), authorId: f.uuid() }, { indexes: [index('authorId')] }),
      },
      { relations: { post: { author: belongsTo('user', 'authorId') } } },
    ).def;
    const file = JSON.parse(renderSnapshot({ migration: '0001_x', targets: ['postgres'], parent: null, schema: normalizeSchema(single) }));
    const author = file.schema.relations.post.author;
    expect(author.foreignKeys).toEqual(['authorId']);
    delete author.foreignKeys;
    author.foreignKey = 'authorId';
    const text = JSON.stringify(file);
    expect(sameSchema(parseSnapshot(text, 'snapshot.json').schema, single)).toBe(true);
  });
});
