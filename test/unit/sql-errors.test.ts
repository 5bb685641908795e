// PostgreSQL error mapping, from the ErrorResponse fields pg and PGlite both expose.
import { describe, expect, it } from 'vitest';
import { ConcurrencyError, DriverError, ForeignKeyError, OutOfRangeError, UniqueConstraintError, defineSchema, f, model, unique } from 'quern';
import { mapPgError } from 'quern/postgres';

const M = model(
  'Thing',
  { id: f.uuid().key(), a: f.string().unique(), b: f.string(), c: f.string() },
  { table: 'things', uniques: [unique('b', 'c').named('things_b_c_key')] },
);
const schema = defineSchema({ thing: M }).def;
const pgErr = (fields: Record<string, unknown>) => Object.assign(new Error(String(fields.message ?? 'db error')), fields);

describe('mapPgError', () => {
  it('maps unique violations to the constraint fields: declared uniques, the primary key', () => {
    const e1 = mapPgError(pgErr({ code: '23505', table: 'things', constraint: 'Thing_a_key' }), schema, 'thing', 'postgres');
    expect(e1).toBeInstanceOf(UniqueConstraintError);
    expect(e1).toMatchObject({ model: 'Thing', fields: ['a'] });
    expect(mapPgError(pgErr({ code: '23505', table: 'things', constraint: 'things_b_c_key' }), schema, 'thing', 'postgres')).toMatchObject({
      fields: ['b', 'c'],
    });
    // A name PostgreSQL would truncate never reaches it: defineSchema refuses it (schema-names.test.ts).
    expect(() => defineSchema({ thing: model('Thing', { id: f.uuid().key(), b: f.string() }, { uniques: [unique('b').named('x'.repeat(70))] }) })).toThrow(
      /truncates identifiers to 63 bytes/,
    );
    expect(mapPgError(pgErr({ code: '23505', table: 'things', constraint: 'things_pkey' }), schema, undefined, 'pglite')).toMatchObject({
      model: 'Thing',
      fields: ['id'],
    });
    // A constraint the schema does not know: the fields come from the detail line.
    expect(
      mapPgError(pgErr({ code: '23505', table: 'things', constraint: 'other', detail: 'Key ("b", c)=(1, 2) already exists.' }), schema, 'thing', 'postgres'),
    ).toMatchObject({ fields: ['b', 'c'] });
  });

  it('maps foreign key, serialization and deadlock errors; keeps the cause; the rest is a DriverError with the SQLSTATE', () => {
    const cause = pgErr({ code: '23503', table: 'things', detail: 'Key (a)=(x) is not present in table "y".' });
    const fk = mapPgError(cause, schema, 'thing', 'postgres');
    expect(fk).toBeInstanceOf(ForeignKeyError);
    expect(fk.cause).toBe(cause);
    expect(fk.message).toContain('is not present');
    expect(mapPgError(pgErr({ code: '40001' }), schema, 'thing', 'postgres')).toBeInstanceOf(ConcurrencyError);
    expect(mapPgError(pgErr({ code: '40P01' }), schema, 'thing', 'postgres')).toBeInstanceOf(ConcurrencyError);
    const range = mapPgError(pgErr({ code: '22003', message: 'integer out of range' }), schema, 'thing', 'pglite');
    expect(range).toBeInstanceOf(OutOfRangeError);
    expect(range).toMatchObject({ model: 'Thing', field: null });
    const other = mapPgError(pgErr({ code: '22012', message: 'division by zero' }), schema, 'thing', 'pglite');
    expect(other).toBeInstanceOf(DriverError);
    expect(other.message).toBe('pglite: division by zero (SQLSTATE 22012)');
    const network = mapPgError(new Error('Connection terminated'), schema, 'thing', 'postgres');
    expect(network).toBeInstanceOf(DriverError);
  });
});
