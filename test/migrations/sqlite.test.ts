/**
 * SQLite migrations applied to real database files, in the process (no server needed): counter
 * caches turned on and off and kept across a rebuild of their parent table, composite foreign
 * keys, and the refusals: a copy that breaks a constraint or leaves rows pointing at nothing rolls
 * the whole migration back, a held write lock times out with a LockError, and a statement that
 * cannot run in a transaction is refused in the file. After each apply the file must equal what
 * `db push` creates, text for text in sqlite_master.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient as libsql, type Client } from '@libsql/client';
import { belongsTo, defineSchema, f, index, model, type OnDelete } from 'quern';
import { generateMigration } from '../../migrations/generate.js';
import { applyMigrations, checkMigrations, migrationStatuses } from '../../migrations/run.js';
import { nonInteractiveResolver, parseRename } from '../../migrations/diff/renames.js';
import { LockError, MigrationError, MigrationFileError } from '../../migrations/errors.js';
import { silentProgress } from '../../migrations/progress.js';
import { loadMigrations } from '../../migrations/folder.js';
import type { SchemaDef } from '../../src/schema/define.js';
import { pushedSchemas, scratchDir } from './setup.js';
import { sqliteSchema } from './live-schema.js';

const open: { remove(): void }[] = [];
afterEach(() => {
  for (const d of open.splice(0)) d.remove();
});

/** A migrations folder and a database file of their own. */
function project() {
  const dir = scratchDir('sqlite-unit');
  open.push(dir);
  const filename = join(dir.path, 'app.db');
  const migrations = join(dir.path, 'migrations');
  const connections = { sqlite: { filename } };
  let client: Client | null = null;
  const db = () => (client ??= libsql({ url: pathToFileURL(filename).href }));
  open.push({ remove: () => client?.close() });
  return {
    filename,
    migrations,
    async step(schema: { def: SchemaDef }, name: string, opts: { allowDestructive?: boolean; lockTimeoutMs?: number } = {}) {
      const g = await generateMigration({ schema: schema.def, targets: ['sqlite'], dir: migrations, name, resolver: nonInteractiveResolver(false), allowDestructive: !!opts.allowDestructive });
      const r = await applyMigrations({ dir: migrations, targets: ['sqlite'], connections, progress: silentProgress, allowDestructive: !!opts.allowDestructive, ...(opts.lockTimeoutMs ? { lockTimeoutMs: opts.lockTimeoutMs } : {}) });
      return { id: g.id!, applied: r.sqlite!.applied };
    },
    apply: (opts: { allowDestructive?: boolean; lockTimeoutMs?: number } = {}) =>
      applyMigrations({ dir: migrations, targets: ['sqlite'], connections, progress: silentProgress, allowDestructive: !!opts.allowDestructive, ...(opts.lockTimeoutMs ? { lockTimeoutMs: opts.lockTimeoutMs } : {}) }),
    generate: (schema: { def: SchemaDef }, name: string) =>
      generateMigration({ schema: schema.def, targets: ['sqlite'], dir: migrations, name, resolver: nonInteractiveResolver(false), allowDestructive: true }),
    rows: async (sql: string) => (await db().execute(sql)).rows.map((r) => ({ ...r })),
    exec: async (sql: string) => void (await db().execute(sql)),
    async matchesPush(schema: { def: SchemaDef }) {
      const [live, pushed] = await Promise.all([sqliteSchema(filename), pushedSchemas(schema as never, ['sqlite'])]);
      expect(live).toEqual(pushed.sqlite);
    },
  };
}

const blog = (opts: { counter: boolean; subtitle?: boolean }) =>
  defineSchema(
    {
      article: model('Article', { id: f.uuid().key().auto(), title: f.string(), ...(opts.subtitle ? { subtitle: f.string().default('') } : {}), favoritesCount: f.int().default(0) }),
      favorite: model('Favorite', { id: f.uuid().key().auto(), articleId: f.uuid() }, { indexes: [index('articleId')] }),
    },
    { relations: { favorite: { article: belongsTo('article', 'articleId', opts.counter ? { counterCache: 'favoritesCount' } : {}) } } },
  );

describe('SQLite migrations, applied', () => {
  it('a counter cache: turned on it counts the existing rows; it survives a rebuild of its parent table; turned off its triggers go', async () => {
    const p = project();
    await p.step(blog({ counter: false }), 'init');
    await p.exec(`INSERT INTO "Article" (id, title, "favoritesCount") VALUES ('a1', 'One', 0)`);
    await p.exec(`INSERT INTO "Favorite" (id, "articleId") VALUES ('f1', 'a1'), ('f2', 'a1')`);

    await p.step(blog({ counter: true }), 'counter_on');
    await p.matchesPush(blog({ counter: true }));
    expect(await p.rows(`SELECT "favoritesCount" AS n FROM "Article"`)).toEqual([{ n: 2 }]);
    await p.exec(`INSERT INTO "Favorite" (id, "articleId") VALUES ('f3', 'a1')`);
    expect(await p.rows(`SELECT "favoritesCount" AS n FROM "Article"`)).toEqual([{ n: 3 }]);

    // Article is rebuilt (a new column): the triggers writing to it are dropped and made again.
    await p.step(blog({ counter: true, subtitle: true }), 'subtitle');
    await p.matchesPush(blog({ counter: true, subtitle: true }));
    expect(await p.rows(`SELECT "favoritesCount" AS n, subtitle FROM "Article"`)).toEqual([{ n: 3, subtitle: '' }]);
    await p.exec(`DELETE FROM "Favorite" WHERE id = 'f1'`);
    expect(await p.rows(`SELECT "favoritesCount" AS n FROM "Article"`)).toEqual([{ n: 2 }]);

    await p.step(blog({ counter: false, subtitle: true }), 'counter_off');
    await p.matchesPush(blog({ counter: false, subtitle: true }));
    expect(await p.rows(`SELECT name FROM sqlite_master WHERE type = 'trigger'`)).toEqual([]);
  });

  const lines = (onDelete: OnDelete | null) =>
    defineSchema(
      {
        line: model('OrderLine', { orderId: f.uuid(), lineNo: f.int(), sku: f.string() }, { key: ['orderId', 'lineNo'] }),
        shipment: model('Shipment', { id: f.uuid().key().auto(), orderId: f.uuid().nullable(), lineNo: f.int().nullable() }, { indexes: [index('orderId', 'lineNo')] }),
      },
      onDelete ? { relations: { shipment: { line: belongsTo('line', ['orderId', 'lineNo'], { onDelete }) } } } : {},
    );

  it('a composite foreign key is added and its action changed by rebuilding the child; rows pointing at nothing roll the migration back', async () => {
    const p = project();
    const { id: first } = await p.step(lines(null), 'init');
    await p.exec(`INSERT INTO "OrderLine" ("orderId", "lineNo", sku) VALUES ('o1', 1, 'x')`);
    await p.exec(`INSERT INTO "Shipment" (id, "orderId", "lineNo") VALUES ('s1', 'o1', 1), ('s2', 'o9', 9)`);

    // s2 points at no line: the new foreign key fails foreign_key_check, and nothing of the migration stays.
    await p.generate(lines('cascade'), 'line_fk');
    const refused = await p.apply().catch((e) => e);
    expect(refused).toBeInstanceOf(MigrationError);
    expect(refused.message).toContain('leaves 1 row pointing at missing rows (Shipment → OrderLine); the migration was rolled back');
    expect(await p.rows('SELECT id FROM _quern_migrations')).toEqual([{ id: first }]);
    await p.matchesPush(lines(null));

    await p.exec(`DELETE FROM "Shipment" WHERE id = 's2'`);
    expect((await p.apply()).sqlite!.applied).toEqual(['0002_line_fk']);
    await p.matchesPush(lines('cascade'));
    await p.exec(`PRAGMA foreign_keys = ON`);
    await p.exec(`DELETE FROM "OrderLine"`);
    expect(await p.rows('SELECT id FROM "Shipment"')).toEqual([]);

    await p.exec(`INSERT INTO "OrderLine" ("orderId", "lineNo", sku) VALUES ('o2', 1, 'y')`);
    await p.exec(`INSERT INTO "Shipment" (id, "orderId", "lineNo") VALUES ('s3', 'o2', 1)`);
    await p.step(lines('setNull'), 'line_set_null');
    await p.matchesPush(lines('setNull'));
    await p.exec(`DELETE FROM "OrderLine"`);
    expect(await p.rows('SELECT id, "orderId", "lineNo" FROM "Shipment"')).toEqual([{ id: 's3', orderId: null, lineNo: null }]);
  });

  const statuses = (values: readonly [string, ...string[]], key: 'id' | 'code' = 'id') =>
    defineSchema({ item: model('Item', { id: f.string(), code: f.string(), status: f.enum(values) }, { key: [key] }) });

  it('a narrowed enum or a key change is destructive; a copy that breaks it fails and is rolled back whole', async () => {
    const p = project();
    await p.step(statuses(['a', 'b', 'c']), 'init');
    await p.exec(`INSERT INTO "Item" (id, code, status) VALUES ('i1', 'same', 'c'), ('i2', 'same', 'a')`);

    const narrowed = await p.generate(statuses(['a', 'b']), 'no_c');
    expect(narrowed.destructive).toEqual(["sqlite: narrows Item.status from enum(a|b|c) to enum(a|b): 'c' no longer allowed; fails if rows hold them"]);
    const failed = await p.apply({ allowDestructive: true }).catch((e) => e);
    expect(failed).toBeInstanceOf(MigrationError);
    expect(failed.message).toMatch(/0002_no_c: .*migration\.sqlite\.sql line \d+ failed on SQLite: .*CHECK constraint failed/);
    expect(await p.rows('SELECT id, status FROM "Item" ORDER BY id')).toEqual([{ id: 'i1', status: 'c' }, { id: 'i2', status: 'a' }]);
    expect(await p.rows(`SELECT name FROM sqlite_master WHERE name LIKE '_quern_new_%'`)).toEqual([]);
    await p.matchesPush(statuses(['a', 'b', 'c']));

    await p.exec(`UPDATE "Item" SET status = 'b' WHERE id = 'i1'`);
    expect((await p.apply({ allowDestructive: true })).sqlite!.applied).toEqual(['0002_no_c']);
    await p.matchesPush(statuses(['a', 'b']));

    const rekeyed = await p.generate(statuses(['a', 'b'], 'code'), 'by_code');
    expect(rekeyed.destructive).toEqual(['sqlite: changes the key of Item from (id) to (code); fails if the new key has duplicates']);
    const dup = await p.apply({ allowDestructive: true }).catch((e) => e);
    expect(dup).toBeInstanceOf(MigrationError);
    expect(dup.message).toContain('UNIQUE constraint failed');
    await p.exec(`UPDATE "Item" SET code = 'other' WHERE id = 'i2'`);
    expect((await p.apply({ allowDestructive: true })).sqlite!.applied).toEqual(['0003_by_code']);
    await p.matchesPush(statuses(['a', 'b'], 'code'));
  });

  it('--rename of a model to a new table: the table and its child (whose foreign key names it) are rebuilt, rows and links kept', async () => {
    const before = defineSchema(
      { post: model('Post', { id: f.string().key(), title: f.string() }), note: model('Note', { id: f.string().key(), postId: f.string() }, { indexes: [index('postId')] }) },
      { relations: { note: { post: belongsTo('post', 'postId', { onDelete: 'cascade' }) } } },
    );
    const after = defineSchema(
      { article: model('Article', { id: f.string().key(), subject: f.string() }), note: model('Note', { id: f.string().key(), postId: f.string() }, { indexes: [index('postId')] }) },
      { relations: { note: { article: belongsTo('article', 'postId', { onDelete: 'cascade' }) } } },
    );
    const p = project();
    await p.step(before, 'init');
    await p.exec(`INSERT INTO "Post" (id, title) VALUES ('p1', 'Hello')`);
    await p.exec(`INSERT INTO "Note" (id, "postId") VALUES ('n1', 'p1')`);
    const g = await generateMigration({
      schema: after.def, targets: ['sqlite'], dir: p.migrations, name: 'articles', resolver: nonInteractiveResolver(false),
      renames: [parseRename('Post=Article'), parseRename('Article.title=subject')],
    });
    expect(g.destructive).toEqual([]);
    expect((await p.apply()).sqlite!.applied).toEqual([g.id]);
    await p.matchesPush(after);
    expect(await p.rows('SELECT id, subject FROM "Article"')).toEqual([{ id: 'p1', subject: 'Hello' }]);
    expect(await p.rows(`SELECT name FROM sqlite_master WHERE name = 'Post'`)).toEqual([]);
    await p.exec('PRAGMA foreign_keys = ON');
    await p.exec(`DELETE FROM "Article"`);
    expect(await p.rows('SELECT id FROM "Note"')).toEqual([]);
  });

  it('the lock is the write lock: while another connection holds it, apply waits, then stops with a LockError', async () => {
    const p = project();
    await p.step(statuses(['a']), 'init');
    await p.generate(statuses(['a', 'b']), 'b');
    const holder = libsql({ url: pathToFileURL(p.filename).href });
    const tx = await holder.transaction('write');
    try {
      const e = await p.apply({ lockTimeoutMs: 100 }).catch((x) => x);
      expect(e).toBeInstanceOf(LockError);
      expect(e.message).toContain("another writer has held the SQLite database's write lock");
    } finally {
      await tx.rollback();
      holder.close();
    }
    expect((await p.apply()).sqlite!.applied).toEqual(['0002_b']);
  });

  it('status and check read a database file that is not there yet without creating it', async () => {
    const p = project();
    const { id } = await p.step(statuses(['a']), 'init');
    const elsewhere = { sqlite: { filename: join(p.migrations, '..', 'not-yet', 'app.db') } };
    const { reports } = await migrationStatuses(p.migrations, ['sqlite'], elsewhere);
    expect(reports[0].rows!.map((r) => [r.id, r.state])).toEqual([[id, 'pending']]);
    const checked = await checkMigrations({ dir: p.migrations, schema: statuses(['a']).def, targets: ['sqlite'], connections: elsewhere });
    expect(checked.problems).toEqual([]);
    expect(existsSync(join(p.migrations, '..', 'not-yet'))).toBe(false);
  });

  it('a statement marked to run outside a transaction is refused in migration.sqlite.sql', async () => {
    const p = project();
    const { id } = await p.step(statuses(['a']), 'init');
    const file = join(p.migrations, id, 'migration.sqlite.sql');
    writeFileSync(file, '-- quern:no-transaction\nVACUUM;\n');
    const e = (() => {
      try {
        loadMigrations(p.migrations);
      } catch (x) {
        return x as MigrationFileError;
      }
    })();
    expect(e).toBeInstanceOf(MigrationFileError);
    expect(e!.problem).toBe('line 2: SQLite applies a migration in one transaction; a statement that cannot run inside one (quern:no-transaction, VACUUM) belongs outside the migrations');
  });
});

describe('the SQL file splitter', () => {
  it('keeps a CREATE TRIGGER … BEGIN … END body, semicolons and a CASE … END inside it, as one statement', async () => {
    const { parseSqlFile } = await import('../../migrations/postgres/sql-file.js');
    const trigger = `CREATE TRIGGER "t" AFTER INSERT ON "A" BEGIN UPDATE "B" SET n = CASE WHEN NEW.x THEN n + 1 ELSE n END WHERE id = NEW.b; UPDATE "C" SET m = 'END;' WHERE id = NEW.c; END`;
    const parsed = parseSqlFile(`${trigger};\nCREATE TEMP TRIGGER "u" AFTER DELETE ON "A" BEGIN DELETE FROM "B"; END;\nSELECT 1;\n`, 'f.sql');
    expect(parsed.map((s) => [s.line, s.sql])).toEqual([
      [1, trigger],
      [2, 'CREATE TEMP TRIGGER "u" AFTER DELETE ON "A" BEGIN DELETE FROM "B"; END'],
      [3, 'SELECT 1'],
    ]);
  });
});
