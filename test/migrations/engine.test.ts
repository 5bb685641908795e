/**
 * The offline half of the engine: SQL file parsing, the diff and its rename
 * rules, what each renderer emits and how it classifies changes, snapshots.
 * No database here: these are pure functions (the real-server tests are next to this file).
 */
import { describe, expect, it } from 'vitest';
import { defineSchema, f, index, model, unique } from 'quern';
import { groupUnits, parseSqlFile } from '../../migrations/postgres/sql-file.js';
import { diffSchemas } from '../../migrations/diff/diff.js';
import { nonInteractiveResolver, parseRename, type RenameResolver } from '../../migrations/diff/renames.js';
import { renderPostgres } from '../../migrations/postgres/render.js';
import { renderDynamo } from '../../migrations/dynamodb/render.js';
import { parseSteps } from '../../migrations/dynamodb/steps.js';
import { AmbiguousChangeError, MigrationError, MigrationFileError, UnsupportedChangeError } from '../../migrations/errors.js';
import { EMPTY_SCHEMA, normalizeSchema, parseSnapshot, renderSnapshot, sameSchema } from '../../migrations/snapshot.js';
import type { SchemaDef } from '../../src/schema/define.js';

const strict = nonInteractiveResolver(false);
const one = (fields: Parameters<typeof model>[1], opts: Parameters<typeof model>[2] = {}, name = 'Post') => defineSchema({ post: model(name, fields, opts) }).def;
const diff = (a: SchemaDef, b: SchemaDef, renames: string[] = [], resolver: RenameResolver = strict) => diffSchemas(normalizeSchema(a), b, { renames: renames.map(parseRename), resolver });
const sqlOf = async (a: SchemaDef, b: SchemaDef, renames: string[] = []) => renderPostgres(await diff(a, b, renames)).statements;

describe('migration.sql parsing', () => {
  it('splits on semicolons outside strings, identifiers, dollar quotes and comments, keeping line numbers', () => {
    const text = [
      "-- header; not a statement",
      "INSERT INTO \"a;b\" VALUES ('x;y', E'it\\'s;', $$ ; $$);",
      '/* block ; /* nested ; */ still */',
      'DO $tag$ BEGIN PERFORM 1; END $tag$;',
      '',
      'SELECT 1',
    ].join('\n');
    const s = parseSqlFile(text, 'm.sql');
    expect(s.map((x) => [x.line, x.sql.split(' ')[0]])).toEqual([[2, 'INSERT'], [4, 'DO'], [6, 'SELECT']]);
    expect(s[0].sql).toContain("'x;y'");
  });

  it('reads directives and recognises statements that cannot run in a transaction', () => {
    const s = parseSqlFile([
      '-- quern:destructive drops column Post.x',
      'ALTER TABLE "Post" DROP COLUMN "x";',
      'CREATE INDEX CONCURRENTLY "i" ON "Post" ("y");',
      '-- quern:no-transaction',
      'ALTER TYPE "mood" ADD VALUE \'ok\';',
      'UPDATE "Post" SET "y" = 1;',
    ].join('\n'), 'm.sql');
    expect(s.map((x) => [x.noTransaction, x.destructive ?? null])).toEqual([[false, 'drops column Post.x'], [true, null], [true, null], [false, null]]);
    expect(groupUnits(s).map((u) => [u.transactional, u.statements.length])).toEqual([[true, 1], [false, 1], [false, 1], [true, 1]]);
  });

  it('names the file and line of what it cannot accept', () => {
    expect(() => parseSqlFile("SELECT 'open", 'x/migration.sql')).toThrow(/x\/migration.sql: line 1: unterminated string literal/);
    expect(() => parseSqlFile('SELECT 1;\nBEGIN;\nSELECT 2;', 'x/migration.sql')).toThrow(MigrationFileError);
    expect(() => parseSqlFile('SELECT 1;\nBEGIN;', 'm.sql')).toThrow(/line 2: remove "BEGIN"/);
    expect(() => parseSqlFile('-- quern:nope\nSELECT 1;', 'm.sql')).toThrow(/unknown directive "quern:nope"/);
  });
});

describe('the diff', () => {
  const v1 = one({ id: f.uuid().key(), title: f.string() });

  it('a field gone and another new is a question: without a terminal it names --rename and --allow-destructive', async () => {
    const v2 = one({ id: f.uuid().key(), headline: f.string() });
    const e = await diff(v1, v2).catch((x) => x);
    expect(e).toBeInstanceOf(AmbiguousChangeError);
    expect(e.message).toContain('pass --rename Post.title=headline, or --allow-destructive to drop Post.title');
    const dropped = await diff(v1, v2, [], nonInteractiveResolver(true));
    expect([dropped.pairs[0].dropped, dropped.pairs[0].added]).toEqual([['title'], ['headline']]);
  });

  it('renames come from --rename, from renamedFrom hints, or from the resolver', async () => {
    const v2 = one({ id: f.uuid().key(), headline: f.string() });
    expect((await diff(v1, v2, ['Post.title=headline'])).pairs[0].renamed).toEqual([{ from: 'title', to: 'headline' }]);
    const hinted = one({ id: f.uuid().key(), headline: f.string().renamedFrom('title') });
    expect((await diffSchemas(normalizeSchema(v1), hinted, { resolver: strict })).pairs[0].renamed).toEqual([{ from: 'title', to: 'headline' }]);
    const asked: string[] = [];
    const resolver: RenameResolver = { model: async () => null, field: async (m, gone, c) => (asked.push(`${m}.${gone}→${c.join('|')}`), c[0]) };
    expect((await diff(v1, v2, [], resolver)).renames).toEqual(['Post.title=headline']);
    expect(asked).toEqual(['Post.title→headline']);
    // A model rename keeps its fields matched.
    const article = one({ id: f.uuid().key(), title: f.string() }, { table: 'Post' }, 'Article');
    const d = await diff(v1, article, ['Post=Article']);
    expect([d.created, d.dropped, d.pairs[0].from.name, d.pairs[0].to.name]).toEqual([[], [], 'Post', 'Article']);
  });

  it('refuses a --rename that does not describe the change', async () => {
    const v2 = one({ id: f.uuid().key(), headline: f.string() });
    await expect(diff(v1, v2, ['Post.titel=headline'])).rejects.toThrow(/has no field 'titel'/);
    await expect(diff(v1, v2, ['Post.title=head'])).rejects.toThrow(/Post has no field 'head'/);
    expect(() => parseRename('Post.title')).toThrow(MigrationError);
    expect(() => parseRename('Post.title=Other.x')).toThrow(/stays in its model/);
  });

  it('snapshots ignore field order and rename hints, and keep bigint and Date defaults', () => {
    const a = one({ id: f.uuid().key(), n: f.bigint().default(2n ** 60n), at: f.timestamp().default(new Date('2020-01-02T03:04:05.006Z')) });
    const b = one({ at: f.timestamp().default(new Date('2020-01-02T03:04:05.006Z')), id: f.uuid().key(), n: f.bigint().default(2n ** 60n).renamedFrom('m') });
    expect(sameSchema(a, b)).toBe(true);
    const text = renderSnapshot({ migration: '0001_x', targets: ['postgres'], parent: null, schema: normalizeSchema(a) });
    const back = parseSnapshot(text, 'snapshot.json');
    expect(back.schema.models.post.fields.n.default).toEqual({ value: 2n ** 60n });
    expect(back.schema.models.post.fields.at.default).toEqual({ value: new Date('2020-01-02T03:04:05.006Z') });
    expect(sameSchema(back.schema, a)).toBe(true);
    expect(() => parseSnapshot(text.replace('"kind": "bigint"', '"kind": "huge"'), 'm/snapshot.json')).toThrow(/m\/snapshot.json: schema.models.post.fields.n.kind "huge" is not a field kind/);
  });
});

describe('PostgreSQL renderer', () => {
  it('creates from nothing exactly what push creates', async () => {
    const s = one({ id: f.uuid().key(), email: f.string().unique(), mood: f.enum(['a', 'b']) }, { indexes: [index('mood')] });
    const sql = (await sqlOf(EMPTY_SCHEMA, s)).map((x) => x.sql);
    expect(sql[0]).toMatch(/^CREATE TABLE "Post" \(/);
    expect(sql[0]).toContain('CONSTRAINT "Post_email_key" UNIQUE ("email")');
    expect(sql[1]).toBe('CREATE INDEX "Post_mood_idx" ON "Post" ("mood")');
  });

  it('classifies changes: widening is safe, narrowing and required-without-default are destructive', async () => {
    const a = one({ id: f.uuid().key(), s: f.string({ maxLength: 100 }), n: f.int(), e: f.enum(['x', 'y']), opt: f.text().nullable() });
    const b = one({ id: f.uuid().key(), s: f.string({ maxLength: 300 }), n: f.bigint(), e: f.enum(['x', 'y', 'z']), opt: f.text().nullable() });
    expect((await sqlOf(a, b)).filter((s) => s.destructive)).toEqual([]);
    const c = one({ id: f.uuid().key(), s: f.string({ maxLength: 10 }), n: f.int(), e: f.enum(['x']), opt: f.text(), req: f.int() });
    const d = (await sqlOf(a, c)).filter((s) => s.destructive).map((s) => s.destructive);
    expect(d).toEqual([
      'adds required column Post.req with no default: fails if Post has rows (give it .default(...) or make it .nullable())',
      'narrows Post.s from string(100) to string(10): values longer than 10 characters make the change fail',
      'makes Post.opt required with no default: fails if a row holds NULL (give it .default(...))',
      "narrows Post.e ('y' no longer allowed); fails if rows hold them",
    ]);
  });

  it('fills existing rows of a new required field with its default, and keeps no column default', async () => {
    const a = one({ id: f.uuid().key() });
    const b = one({ id: f.uuid().key(), views: f.int().default(0), tags: f.list(f.string()).default(['a', "b'c"]), at: f.timestamp().createdAt() });
    const sql = (await sqlOf(a, b)).map((s) => s.sql);
    expect(sql).toEqual([
      'ALTER TABLE "Post" ADD COLUMN "views" integer NOT NULL DEFAULT 0',
      'ALTER TABLE "Post" ALTER COLUMN "views" DROP DEFAULT',
      `ALTER TABLE "Post" ADD COLUMN "tags" text[] COLLATE "C" NOT NULL DEFAULT ARRAY['a', 'b''c']::text[]`,
      'ALTER TABLE "Post" ALTER COLUMN "tags" DROP DEFAULT',
      'ALTER TABLE "Post" ADD COLUMN "at" timestamptz(3) NOT NULL DEFAULT now()',
      'ALTER TABLE "Post" ALTER COLUMN "at" DROP DEFAULT',
    ]);
  });

  it('renames keep data: RENAME COLUMN, then the index and constraint names follow', async () => {
    const a = one({ id: f.uuid().key(), title: f.string() }, { indexes: [index('title')], uniques: [unique('title')] });
    const b = one({ id: f.uuid().key(), headline: f.string() }, { indexes: [index('headline')], uniques: [unique('headline')] });
    const sql = (await sqlOf(a, b, ['Post.title=headline'])).map((s) => s.sql.split('\n')[0]);
    expect(sql).toEqual([
      'ALTER TABLE "Post" RENAME COLUMN "title" TO "headline"',
      'DO $quern$',
      'ALTER INDEX "Post_title_idx" RENAME TO "Post_headline_idx"',
      'ALTER TABLE "Post" RENAME CONSTRAINT "Post_title_key" TO "Post_headline_key"',
    ]);
  });

  it('indexes on existing tables are built concurrently, outside the transaction', async () => {
    const a = one({ id: f.uuid().key(), s: f.string() });
    const b = one({ id: f.uuid().key(), s: f.string() }, { indexes: [index('s')] });
    expect(await sqlOf(a, b)).toEqual([{ sql: 'CREATE INDEX CONCURRENTLY IF NOT EXISTS "Post_s_idx" ON "Post" ("s")', comment: 'index Post(s)', noTransaction: true }]);
  });
});

describe('DynamoDB renderer', () => {
  it('says what to do instead of what DynamoDB cannot do in place', async () => {
    const a = one({ id: f.uuid().key(), s: f.string() });
    const moved = one({ id: f.uuid().key(), s: f.string() }, {}, 'Article');
    await expect(diff(a, moved, ['Post=Article']).then(renderDynamo)).rejects.toThrow(/cannot be renamed[\s\S]*fix: keep the table: model\('Article', \{ … \}, \{ table: 'Post' \}\)/);
    const rekeyed = one({ id: f.uuid(), s: f.string().key() });
    const e = await diff(a, rekeyed).then(renderDynamo).catch((x) => x);
    expect(e).toBeInstanceOf(UnsupportedChangeError);
    expect(e.message).toContain('fix: add a new model with the new key');
    const retyped = one({ id: f.uuid().key(), s: f.int() });
    await expect(diff(a, retyped).then(renderDynamo)).rejects.toThrow(/Post.s changes from string to int/);
  });

  it('one GSI per step; a removed GSI is destructive, a replaced one is not', async () => {
    const a = one({ id: f.uuid().key(), s: f.string(), t: f.string() }, { indexes: [index('s')] });
    const b = one({ id: f.uuid().key(), s: f.string(), t: f.string() }, { indexes: [index('t'), index('s').named('by_s')] });
    const steps = renderDynamo(await diff(a, b)).steps;
    expect(steps.map((s) => [s.op, 'index' in s ? (typeof s.index === 'string' ? s.index : s.index.IndexName) : '', s.destructive ?? null])).toEqual([
      ['CreateIndex', 'Post_t_idx', null],
      ['CreateIndex', 'by_s', null],
      ['DeleteIndex', 'Post_s_idx', null],
    ]);
    const c = one({ id: f.uuid().key(), s: f.string(), t: f.string() });
    expect(renderDynamo(await diff(a, c)).steps).toEqual([expect.objectContaining({ op: 'DeleteIndex', destructive: expect.stringContaining('deletes GSI Post_s_idx') })]);
  });

  it('validates dynamodb.json and names the file', () => {
    expect(() => parseSteps('{"format":"quern-dynamodb-steps","version":1,"migration":"x","steps":[{"op":"DeleteTable"}]}', 'x/dynamodb.json')).toThrow(/x\/dynamodb.json: steps\[0\].table must be a non-empty string/);
    expect(() => parseSteps('[]', 'd.json')).toThrow(/the top level must be an object/);
  });
});
