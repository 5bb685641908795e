/**
 * Schema names that broke `push()` (issue 11, items 9 and 10): refused by defineSchema with a
 * SchemaError naming the problem, before any I/O; and the longest names defineSchema accepts
 * push and work on every target (PostgreSQL's 63-byte identifiers, DynamoDB's index names).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSchema, f, hasMany, belongsTo, index, model, SchemaError, unique, UniqueConstraintError } from 'quern';
import type { BackendName } from '../harness/index.js';
import { backends, on, openTarget, type Opened } from './targets.js';

function refusal(fn: () => unknown): SchemaError {
  try {
    fn();
  } catch (e) {
    expect(e, String(e)).toBeInstanceOf(SchemaError);
    return e as SchemaError;
  }
  return expect.fail('defineSchema accepted the schema');
}

const id = () => f.uuid().key().auto();

describe('defineSchema refuses names that would break push', () => {
  it.each([
    'toString',
    'valueOf',
    'hasOwnProperty',
    'isPrototypeOf',
    'propertyIsEnumerable',
    'toLocaleString',
    '__defineGetter__',
    '__lookupSetter__',
    'constructor',
    '__proto__',
  ])('a field named %s (an Object.prototype member)', (name) => {
    const e = refusal(() => defineSchema({ a: model('A', { id: id(), [name]: f.string() }) }));
    expect(e.message).toContain(`A.${name}`);
    expect(e.field).toBe(name);
  });

  it('a model accessor or relation named after an Object.prototype member', () => {
    expect(refusal(() => defineSchema({ valueOf: model('A', { id: id() }) })).message).toMatch(/valueOf.*Object\.prototype/);
    const A = model('A', { id: id() });
    const B = model('B', { id: id(), aId: f.uuid() }, { indexes: [index('aId')] });
    expect(refusal(() => defineSchema({ a: A, b: B }, { relations: { a: { toString: hasMany('b', 'aId') } } })).message).toMatch(
      /A\.toString.*Object\.prototype/,
    );
  });

  it('a 63-character model name (its primary key constraint would be truncated onto the table name)', () => {
    const name = `M${'x'.repeat(62)}`;
    const e = refusal(() => defineSchema({ m: model(name, { id: id() }) }));
    expect(e.message).toContain(`${name}_pkey`);
    expect(e.message).toMatch(/63 bytes/);
    expect(e.model).toBe(name);
  });

  it('a derived index or unique name past 63 bytes', () => {
    const long = `f${'y'.repeat(55)}`;
    expect(refusal(() => defineSchema({ a: model('Abc', { id: id(), [long]: f.string().unique() }) })).message).toContain(`Abc_${long}_key`);
    expect(refusal(() => defineSchema({ a: model('Abc', { id: id(), [long]: f.string() }, { indexes: [index(long)] }) })).message).toContain(`Abc_${long}_idx`);
  });

  it('a foreign key constraint name past 63 bytes', () => {
    const fk = `parent${'z'.repeat(50)}Id`;
    const P = model('P', { id: id() });
    const C = model('Child', { id: id(), [fk]: f.uuid() }, { indexes: [index(fk).named('child_fk_idx')] });
    const e = refusal(() => defineSchema({ p: P, c: C }, { relations: { c: { parent: belongsTo('p', fk) } } }));
    expect(e.message).toContain(`Child_${fk}_fkey`);
  });

  it('two models whose generated constraint names collide (A_b.c and A.b_c)', () => {
    const e = refusal(() =>
      defineSchema({
        x: model('A_b', { id: id(), c: f.string().unique() }),
        y: model('A', { id: id(), b_c: f.string().unique() }),
      }),
    );
    expect(e.message).toContain("'A_b_c_key'");
    expect(e.message).toMatch(/model A .* model A_b|model A_b .* model A /);
    // An index colliding with another model's table is the same problem.
    expect(
      refusal(() =>
        defineSchema({
          x: model('A', { id: id(), b: f.string() }, { indexes: [index('b').named('Other')] }),
          y: model('Other', { id: id() }),
        }),
      ).message,
    ).toContain("'Other'");
  });

  it('an enum value containing NUL', () => {
    expect(refusal(() => defineSchema({ a: model('A', { id: id(), s: f.enum(['ok', 'b\u0000ad']) }) })).message).toMatch(/A\.s.*NUL/);
    expect(refusal(() => defineSchema({ a: model('A', { id: id(), s: f.list(f.enum(['ok', '\u0000'])) }) })).message).toMatch(/A\.s.*NUL/);
  });

  it('an index name DynamoDB refuses (quotes, spaces, too short)', () => {
    for (const bad of ['my"idx', "it's", 'a b c', 'ab', 'idx;drop']) {
      const e = refusal(() => defineSchema({ a: model('A', { id: id(), b: f.string() }, { indexes: [index('b').named(bad)] }) }));
      expect(e.message, bad).toContain(JSON.stringify(bad));
      expect(e.message).toMatch(/DynamoDB index name/);
    }
    expect(
      refusal(() =>
        defineSchema({
          a: model(
            'A',
            { id: id(), b: f.string() },
            {
              uniques: [
                {
                  fields: ['b'],
                  name: 'u"q',
                  named: () => {
                    throw new Error('unused');
                  },
                },
              ],
            },
          ),
        }),
      ).message,
    ).toContain('"u\\"q"');
  });
});

// The longest names defineSchema accepts: 58 characters of model name (58 + '_pkey' = 63 bytes).
const LONG = `L${'o'.repeat(57)}`;
// Constraints of a model this long need names of their own (its derived ones would pass 63 bytes).
const Long = model(
  LONG,
  { id: f.uuid().key().auto(), e: f.string(), g: f.string() },
  { indexes: [index('g').named('my-index.v1')], uniques: [unique('e').named('long_e_key')] },
);
const Short = model('S', { id: f.uuid().key().auto(), longId: f.uuid(), k: f.enum(['a', 'b']) }, { indexes: [index('longId')] });
const longSchema = defineSchema(
  { long: Long, s: Short },
  { relations: { long: { shorts: hasMany('s', 'longId') }, s: { long: belongsTo('long', 'longId') } } },
);

const have = backends();
const names: BackendName[] = ['pglite', ...(have.postgres ? ['postgres' as const] : []), ...(have.dynamodb ? ['dynamodb' as const] : [])];
for (const name of names) {
  describe(`the longest accepted names push and work [${name}]`, () => {
    let t: Opened;
    beforeAll(async () => {
      t = await openTarget(name, longSchema);
    }, 120_000);
    afterAll(async () => {
      await t?.close();
    });

    it('create, unique violation, index query and include', async () => {
      expect(LONG.length).toBe(58);
      const row = (await on(t.db, 'long').create({ data: { e: 'e1', g: 'g1' } })) as { id: string };
      await on(t.db, 's').create({ data: { longId: row.id, k: 'a' } });
      const dup = await Promise.resolve(on(t.db, 'long').create({ data: { e: 'e1', g: 'g2' } })).then(
        () => null,
        (e: unknown) => e,
      );
      expect(dup, String(dup)).toBeInstanceOf(UniqueConstraintError);
      expect(dup).toMatchObject({ model: LONG, fields: ['e'] });
      const found = (await on(t.db, 'long').findMany({ where: { g: 'g1' }, include: { shorts: true } })) as { id: string; shorts: unknown[] }[];
      expect(found.map((r) => r.id)).toEqual([row.id]);
      expect(found[0].shorts).toHaveLength(1);
    });
  });
}
