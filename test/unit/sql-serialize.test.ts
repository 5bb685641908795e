// The SQL serializer, param binding, result parsers and DDL renderers: pure functions, offline.
import { describe, expect, it } from 'vitest';
import { defineSchema, f, hasMany, belongsTo, index, manyToMany, model, unique } from 'quern';
import {
  addForeignKeySql,
  arrayLiteral,
  binder,
  columnType,
  createIndexSql,
  createTableSql,
  enumCheck,
  escapeLike,
  foreignKeys,
  quoteIdent,
  quoteLiteral,
  schemaDdl,
  serialize,
} from 'quern/postgres';
import type { SqlParam, SqlScalarType, SqlStatement } from '../../src/plan/sql/ast.js';
import { parseArray, parseTimestamptz } from '../../drivers/postgres/types.js';

const p = (slot: number, extra: Partial<SqlParam> = {}): SqlParam => ({ kind: 'param', slot, path: [], type: null, transform: null, ...extra });

describe('serialize', () => {
  it('quotes every identifier and doubles embedded quotes', () => {
    const stmt: SqlStatement = {
      kind: 'select',
      with: [],
      joins: [],
      orderBy: [{ expr: { kind: 'column', table: 'x"y', column: 'a"; DROP TABLE t; --' }, direction: 'desc' }],
      columns: [{ expr: { kind: 'column', table: 'x"y', column: 'a"; DROP TABLE t; --' }, alias: 'out"put' }],
      from: { kind: 'table', name: 'T"able', alias: 'x"y' },
      where: null,
      limit: null,
      offset: null,
    };
    expect(serialize(stmt).text).toBe('SELECT "x""y"."a""; DROP TABLE t; --" AS "out""put" FROM "T""able" "x""y" ORDER BY "x""y"."a""; DROP TABLE t; --" DESC');
    expect(quoteIdent('plain')).toBe('"plain"');
  });

  it('numbers placeholders in order, reuses one for an identical param, and casts typed ones', () => {
    const uuid = { kind: 'type', name: 'uuid', array: false } as const;
    const stmt: SqlStatement = {
      kind: 'select',
      with: [],
      joins: [],
      orderBy: [],
      offset: null,
      columns: [{ expr: { kind: 'star', table: null }, alias: null }],
      from: { kind: 'table', name: 'T', alias: null },
      where: {
        kind: 'or',
        items: [
          { kind: 'binary', op: '=', left: { kind: 'column', table: null, column: 'a' }, right: p(3, { type: uuid }) },
          { kind: 'binary', op: '=', left: { kind: 'column', table: null, column: 'b' }, right: p(1) },
          { kind: 'binary', op: 'IS DISTINCT FROM', left: { kind: 'column', table: null, column: 'c' }, right: p(3, { type: uuid }) },
          { kind: 'like', expr: { kind: 'column', table: null, column: 'd' }, pattern: p(1, { transform: 'like-contains' }), insensitive: true },
        ],
      },
      limit: p(0, { transform: 'plus-one' }),
    };
    const out = serialize(stmt);
    expect(out.text).toBe(
      `SELECT * FROM "T" WHERE ("a" = $1::uuid) OR ("b" = $2) OR ("c" IS DISTINCT FROM $1::uuid) OR ("d" ILIKE $3 ESCAPE E'\\\\') LIMIT $4`,
    );
    expect(out.params.map((x) => [x.slot, x.transform])).toEqual([
      [3, null],
      [1, null],
      [1, 'like-contains'],
      [0, 'plus-one'],
    ]);
  });

  it('string literals for DDL double quotes and make backslashes explicit', () => {
    expect(quoteLiteral("it's")).toBe("'it''s'");
    expect(quoteLiteral('a\\b')).toBe("E'a\\\\b'");
    expect(quoteLiteral("'; DROP TABLE x; --")).toBe("'''; DROP TABLE x; --'");
  });
});

describe('param binding', () => {
  it('escapes LIKE metacharacters in the value and wraps it per operator', () => {
    expect(escapeLike('100%_\\x')).toBe('100\\%\\_\\\\x');
    const bind = binder([
      p(0, { transform: 'like-contains' }),
      p(0, { transform: 'like-prefix' }),
      p(0, { transform: 'like-suffix' }),
      p(0, { transform: 'like-exact' }),
    ]);
    expect(bind(['a%_'])).toEqual(['%a\\%\\_%', 'a\\%\\_%', '%a\\%\\_', 'a\\%\\_']);
  });

  it('encodes values for their casts: timestamps, bigints, json, arrays; reads paths; keeps null', () => {
    const t = (name: SqlScalarType, array = false) => ({ kind: 'type' as const, name, array });
    const bind = binder([
      p(0, { type: t('timestamp') }),
      p(1, { type: t('bigint') }),
      p(2, { type: t('json') }),
      p(3, { type: t('text', true) }),
      p(4, { type: t('bigint', true) }),
      p(5, { type: t('int'), path: [0, 'n'] }),
      p(6, { type: t('text') }),
      p(7, { type: t('jsonDocument'), transform: 'json-rows' }),
      p(3, { type: t('text', true), path: [9] }),
    ]);
    const d = new Date('2024-01-02T03:04:05.678Z');
    expect(bind([d, 2n ** 62n, 'str', ['a"b', 'c\\d', null, '', 'NULL', '{x,y}'], [1n, -2n], [{ n: 7 }], null, [{ a: 1n, d }]])).toEqual([
      '2024-01-02T03:04:05.678Z',
      String(2n ** 62n),
      '"str"',
      '{"a\\"b","c\\\\d",NULL,"","NULL","{x,y}"}',
      '{"1","-2"}',
      7,
      null,
      JSON.stringify([{ a: '1', d: '2024-01-02T03:04:05.678Z' }]),
      null,
    ]);
  });

  it('array literals round-trip through the result parser', () => {
    const values = ['plain', 'with space', 'a,b', '{braces}', '"quote"', 'back\\slash', '', 'NULL', '\u00e9'];
    expect(parseArray(arrayLiteral(values))).toEqual(values);
    expect(parseArray('{a,NULL,"NULL"}')).toEqual(['a', null, 'NULL']);
    expect(parseArray('{}')).toEqual([]);
    expect(parseArray('{1,2,3}', Number)).toEqual([1, 2, 3]);
  });
});

describe('result parsers', () => {
  it('parses timestamptz output exactly, including years below 100 and odd offsets', () => {
    expect(parseTimestamptz('2024-01-02 03:04:05.678+00').toISOString()).toBe('2024-01-02T03:04:05.678Z');
    expect(parseTimestamptz('0099-01-02 03:04:05+00').toISOString()).toBe('0099-01-02T03:04:05.000Z');
    expect(parseTimestamptz('2024-01-02 03:04:05.5+05:30').toISOString()).toBe('2024-01-01T21:34:05.500Z');
    expect(parseTimestamptz('2024-01-02 03:04:05-03').toISOString()).toBe('2024-01-02T06:04:05.000Z');
    expect(parseTimestamptz('1900-01-01 00:00:00+00:19:32').toISOString()).toBe('1899-12-31T23:40:28.000Z');
  });
});

describe('DDL', () => {
  const M = model(
    'M',
    {
      id: f.uuid().key(),
      s: f.string({ maxLength: 12 }).unique(),
      t: f.text().nullable(),
      e: f.enum(['a', "it's", 'back\\slash']),
      l: f.list(f.enum(['x', 'y'])),
      n: f.list(f.int()),
      ts: f.timestamp(),
      j: f.json().nullable(),
      fk: f.uuid(),
    },
    { indexes: [index('fk', 'ts')], uniques: [unique('fk', 's').named('custom_name')] },
  );
  const schema = defineSchema({ m: M }, { relations: { m: { children: hasMany('m', 'fk'), parent: belongsTo('m', 'fk') } } });

  it('maps field kinds to column types, text-like ones in the C collation', () => {
    const fields = schema.def.models.m.fields;
    expect(columnType(fields.s)).toBe('varchar(12) COLLATE "C"');
    expect(columnType(fields.t)).toBe('text COLLATE "C"');
    expect(columnType(fields.e)).toBe('text COLLATE "C"');
    expect(columnType(fields.l)).toBe('text[] COLLATE "C"');
    expect(columnType(fields.n)).toBe('integer[]');
    expect(columnType(fields.ts)).toBe('timestamptz(3)');
    expect(columnType(fields.j)).toBe('jsonb');
    expect(enumCheck('e', fields.e)).toBe(`CHECK ("e" IN ('a', 'it''s', E'back\\\\slash'))`);
    expect(enumCheck('l', fields.l)).toBe(`CHECK ("l" <@ ARRAY['x', 'y']::text[])`);
  });

  it('renders CREATE TABLE with named key and unique constraints, indexes and one foreign key per pair', () => {
    const m = schema.def.models.m;
    expect(createTableSql(m)).toBe(
      [
        'CREATE TABLE "M" (',
        '  "id" uuid NOT NULL,',
        '  "s" varchar(12) COLLATE "C" NOT NULL,',
        '  "t" text COLLATE "C",',
        `  "e" text COLLATE "C" NOT NULL CONSTRAINT "M_e_check" CHECK ("e" IN ('a', 'it''s', E'back\\\\slash')),`,
        `  "l" text[] COLLATE "C" NOT NULL CONSTRAINT "M_l_check" CHECK ("l" <@ ARRAY['x', 'y']::text[]),`,
        '  "n" integer[] NOT NULL,',
        '  "ts" timestamptz(3) NOT NULL,',
        '  "j" jsonb,',
        '  "fk" uuid NOT NULL,',
        '  CONSTRAINT "M_pkey" PRIMARY KEY ("id"),',
        '  CONSTRAINT "M_s_key" UNIQUE ("s"),',
        '  CONSTRAINT "custom_name" UNIQUE ("fk", "s")',
        ')',
      ].join('\n'),
    );
    expect(createIndexSql(m, m.indexes[0], { ifNotExists: true })).toBe('CREATE INDEX IF NOT EXISTS "M_fk_ts_idx" ON "M" ("fk", "ts")');
    expect(foreignKeys(schema.def)).toEqual([{ name: 'M_fk_fkey', table: 'M', columns: ['fk'], refTable: 'M', refColumns: ['id'], onDelete: 'restrict' }]);
    expect(schemaDdl(schema.def).at(-1)).toBe('ALTER TABLE "M" ADD CONSTRAINT "M_fk_fkey" FOREIGN KEY ("fk") REFERENCES "M" ("id")');
  });

  it('renders onDelete as the foreign key action; a manyToMany join model gets two cascading keys', () => {
    const P = model('P', { id: f.uuid().key() });
    const C = model('C', { id: f.uuid().key(), p: f.uuid(), q: f.uuid().nullable(), r: f.uuid() });
    const J = model('J', { a: f.uuid(), b: f.uuid() }, { key: ['a', 'b'] });
    const s = defineSchema(
      { p: P, c: C, j: J },
      {
        relations: {
          c: { pp: belongsTo('p', 'p', { onDelete: 'cascade' }), qq: belongsTo('p', 'q', { onDelete: 'setNull' }), rr: belongsTo('p', 'r') },
          p: { cs: hasMany('c', 'r'), peers: manyToMany('c', { through: 'j', from: 'a', to: 'b' }) },
        },
      },
    );
    expect(foreignKeys(s.def).map(addForeignKeySql).sort()).toEqual([
      'ALTER TABLE "C" ADD CONSTRAINT "C_p_fkey" FOREIGN KEY ("p") REFERENCES "P" ("id") ON DELETE CASCADE',
      'ALTER TABLE "C" ADD CONSTRAINT "C_q_fkey" FOREIGN KEY ("q") REFERENCES "P" ("id") ON DELETE SET NULL',
      'ALTER TABLE "C" ADD CONSTRAINT "C_r_fkey" FOREIGN KEY ("r") REFERENCES "P" ("id")',
      'ALTER TABLE "J" ADD CONSTRAINT "J_a_fkey" FOREIGN KEY ("a") REFERENCES "P" ("id") ON DELETE CASCADE',
      'ALTER TABLE "J" ADD CONSTRAINT "J_b_fkey" FOREIGN KEY ("b") REFERENCES "C" ("id") ON DELETE CASCADE',
    ]);
    // The join model is keyed (a, b): the Query by `a` uses the key; no extra index is needed.
    expect(s.def.models.j.indexes).toEqual([]);
    expect(() => defineSchema({ p: P, c: C }, { relations: { c: { pp: belongsTo('p', 'p', { onDelete: 'setNull' }) } } })).toThrow(
      /needs a nullable foreign key/,
    );
  });
});
