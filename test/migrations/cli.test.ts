/**
 * The command line as a user (or CI) runs it: no terminal, real servers.
 * generate → apply → status; questions become errors naming the flag;
 * `migrate check` for CI; malformed files stop everything before it starts.
 *
 * Each scenario has a project and targets of its own, brought to its starting
 * point in-process, so the scenarios run concurrently; what they test goes
 * through the `quern` binary.
 */
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';
import pg from 'pg';
import { createClient as libsql } from '@libsql/client';
import { pathToFileURL } from 'node:url';
import { backends, freshTargets, liveSchemas, pushedSchemas } from './setup.js';
import { Project } from './project.js';
import { v1, v2 } from './history.js';
import { scaled } from '../harness/time-scale.js';

const { pg: hasPg, dynamo: hasDynamo, missing } = backends();
if (missing.length) console.warn(`[migrations] SKIPPING the CLI tests: no ${missing.join(', ')}`);

async function ledgerIds(url: string): Promise<string[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const exists = (await c.query(`SELECT to_regclass('"_quern_migrations"') IS NOT NULL AS ok`)).rows[0].ok;
    return exists ? (await c.query('SELECT id FROM _quern_migrations ORDER BY id')).rows.map((r) => r.id) : [];
  } finally {
    await c.end();
  }
}

/** A project of its own on fresh targets, removed afterwards. */
async function scenario(work: (project: Project) => Promise<void>): Promise<void> {
  const targets = await freshTargets();
  const project = new Project(targets.connections);
  try {
    await work(project);
  } finally {
    project.remove();
    await targets.drop();
  }
}

// Every step is a child process: slow on a busy machine.
describe.skipIf(!hasPg || !hasDynamo)('quern migrate (command line, no terminal)', { timeout: scaled(300_000), concurrent: true }, () => {
  it('generate, apply, status: both targets end up where db push would put them', ({ expect }) => scenario(async (project) => {
    project.useVersion(1);
    const gen = await project.run(['migrate', 'generate', '--name', 'init']);
    expect(gen.stderr).toBe('');
    expect(gen.code).toBe(0);
    expect(gen.stdout).toContain('Wrote migrations/0001_init/ (migration.sql, dynamodb.json, snapshot.json)');
    expect(gen.stdout).toContain('Capability report');

    const dry = await project.run(['migrate', 'apply', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('CREATE TABLE "User"');
    expect(dry.stdout).toContain('CreateTable Post');
    expect(await ledgerIds(project.connections.postgres!.url)).toEqual([]);

    const apply = await project.run(['migrate', 'apply']);
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toMatch(/postgres .*: applied 0001_init/);
    expect(apply.stdout).toMatch(/dynamodb .*: applied 0001_init/);
    expect(apply.stderr).toContain('0001_init (postgres)'); // progress lines, plain without a terminal

    const status = await project.run(['migrate', 'status']);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/postgres\n {2}0001_init\s+applied \d{4}-\d\d-\d\d/);
    expect(status.stdout).toMatch(/dynamodb\n {2}0001_init\s+applied \d{4}-\d\d-\d\d/);

    const [live, pushed] = await Promise.all([liveSchemas(project.connections), pushedSchemas(v1())]);
    expect(live).toEqual(pushed);

    const again = await project.run(['migrate', 'generate', '--no-report']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('No changes');
  }));

  it('DynamoDB: db push, then baseline records without running, and reset --force drops and re-applies', ({ expect }) => scenario(async (project) => {
    project.useVersion(1);
    const push = await project.run(['db', 'push', '--target', 'dynamodb']);
    expect(push.code, push.stderr).toBe(0);
    const gen = await project.run(['migrate', 'generate', '--name', 'init', '--no-report']);
    expect(gen.code, gen.stderr).toBe(0);

    const baseline = await project.run(['migrate', 'baseline', '--target', 'dynamodb']);
    expect(baseline.code, baseline.stderr).toBe(0);
    expect(baseline.stdout).toMatch(/dynamodb .*: recorded as applied 0001_init/);
    const apply = await project.run(['migrate', 'apply', '--target', 'dynamodb']);
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).not.toMatch(/applied 0001_init/);
    const status = await project.run(['migrate', 'status', '--target', 'dynamodb']);
    expect(status.stdout).toMatch(/dynamodb\n {2}0001_init\s+applied \d{4}-\d\d-\d\d/);

    const refused = await project.run(['migrate', 'reset', '--target', 'dynamodb']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('--force');
    const reset = await project.run(['migrate', 'reset', '--force', '--target', 'dynamodb']);
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stdout).toMatch(/dynamodb .*: dropped .*Post/);
    expect(reset.stdout).toMatch(/dynamodb .*: applied 0001_init/);
    const [live, pushed] = await Promise.all([liveSchemas(project.connections), pushedSchemas(v1())]);
    expect(live.dynamodb).toBeDefined();
    expect(live.dynamodb).toEqual(pushed.dynamodb);
  }));

  it('without a terminal, an ambiguous rename fails and names the flag; --rename keeps the data', ({ expect }) => scenario(async (project) => {
    await project.applyInProcess(await project.generateHistory(1));
    // v1 → a version where Post.title is gone and Post.headline is new.
    writeFileSync(join(project.dir, 'schema.ts'), `import { defineSchema, model, f, index, hasMany, belongsTo } from 'quern';
import { v1 } from ${JSON.stringify(fileURLToPath(new URL('./history.ts', import.meta.url)))};
const Post = model('Post', {
  id: f.uuid().key().auto(), authorId: f.uuid(), headline: f.string({ maxLength: 200 }),
  status: f.enum(['draft', 'published']).default('draft'), createdAt: f.timestamp().createdAt(),
}, { indexes: [index('authorId', 'createdAt')] });
export const schema = defineSchema({ user: v1().models.user, post: Post }, {
  relations: { user: { posts: hasMany('post', 'authorId') }, post: { author: belongsTo('user', 'authorId') } },
});
`);
    // A row written before the rename.
    const c = new pg.Client({ connectionString: project.connections.postgres!.url });
    await c.connect();
    try {
      await c.query(`INSERT INTO "User" (id, email, name, "createdAt") VALUES ('0190d7a4-0000-7000-8000-000000000001', 'a@x.io', 'Ann', now())`);
      await c.query(`INSERT INTO "Post" (id, "authorId", title, status, "createdAt") VALUES ('0190d7a4-0000-7000-8000-000000000002', '0190d7a4-0000-7000-8000-000000000001', 'Kept', 'draft', now())`);

      const refused = await project.run(['migrate', 'generate', '--name', 'headline', '--no-report']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('Post.title disappeared and Post.headline appeared');
      expect(refused.stderr).toContain('--rename Post.title=headline');
      expect(refused.stderr).toContain('--allow-destructive');
      expect(readdirSync(project.migrations)).toEqual(['0001_init']);

      const gen = await project.run(['migrate', 'generate', '--name', 'headline', '--rename', 'Post.title=headline', '--no-report']);
      expect(gen.code, gen.stderr).toBe(0);
      expect(gen.stdout).toContain('renames: Post.title=headline');
      const apply = await project.run(['migrate', 'apply', '--target', 'postgres']);
      expect(apply.code, apply.stderr).toBe(0);
      expect((await c.query(`SELECT headline FROM "Post"`)).rows).toEqual([{ headline: 'Kept' }]);
    } finally {
      await c.end();
    }
    // DynamoDB has not had it yet: status says so.
    const status = await project.run(['migrate', 'status']);
    expect(status.stdout).toMatch(/dynamodb\n {2}0001_init\s+applied.*\n {2}0002_headline\s+pending/);
    const rest = await project.run(['migrate', 'apply']);
    expect(rest.code, rest.stderr).toBe(0);
    expect(rest.stdout).toMatch(/dynamodb .*: applied 0002_headline; 1 already applied/);
  }));

  it('migrate check: clean, then un-generated changes, edited applied migrations and duplicate numbers each fail with the fix', ({ expect }) => scenario(async (project) => {
    const [id1, id2] = await project.generateHistory(2);
    await project.applyInProcess([id1, id2]);
    project.useVersion(2);
    const clean = await project.run(['migrate', 'check']);
    expect(clean.stdout).toContain('✔ migrations are in order');
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain('postgres: compared with the ledger (2 applied)');

    // A model change without a migration.
    project.useVersion(3);
    const changed = await project.run(['migrate', 'check']);
    expect(changed.code).toBe(1);
    expect(changed.stdout).toContain('models-changed');
    expect(changed.stdout).toContain('quern migrate generate');
    project.useVersion(2);

    // An applied migration edited afterwards: the ledger's checksum no longer matches.
    const sqlPath = join(project.migrations, id2, 'migration.sql');
    const original = readFileSync(sqlPath, 'utf8');
    writeFileSync(sqlPath, original + '\n-- a harmless-looking edit\nSELECT 1;\n');
    // Both only read: run them together.
    const [edited, refused] = await Promise.all([project.run(['migrate', 'check']), project.run(['migrate', 'apply', '--target', 'postgres'])]);
    expect(edited.code).toBe(1);
    expect(edited.stdout).toContain(`modified-applied: ${id2} was applied to postgres and has been edited since`);
    expect(edited.stdout).not.toContain('models-changed');
    // The edited migration is still applied: counted, not dropped from the count.
    expect(edited.stdout).toContain('postgres: compared with the ledger (2 applied)');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('checksum mismatch');
    writeFileSync(sqlPath, original);

    // Two branches each generated migration 0002.
    cpSync(join(project.migrations, id2), join(project.migrations, '0002_other'), { recursive: true });
    for (const file of ['snapshot.json', 'dynamodb.json']) {
      const path = join(project.migrations, '0002_other', file);
      writeFileSync(path, readFileSync(path, 'utf8').replace(`"migration": "${id2}"`, '"migration": "0002_other"'));
    }
    const [dup, applyDup] = await Promise.all([project.run(['migrate', 'check', '--offline']), project.run(['migrate', 'apply'])]);
    expect(dup.code).toBe(1);
    expect(dup.stdout).toContain(`duplicate-number: ${id2} and 0002_other share the number 0002`);
    expect(applyDup.code).toBe(1);
    expect(applyDup.stderr).toContain('share the number 0002');
    rmSync(join(project.migrations, '0002_other'), { recursive: true });
    expect(await ledgerIds(project.connections.postgres!.url)).toEqual([id1, id2]);
  }));

  it('a malformed migration file is named and nothing is applied', ({ expect }) => scenario(async (project) => {
    const [id1, id2] = await project.generateHistory(2);
    await project.applyInProcess([id1]);
    project.useVersion(2);
    const stepsPath = join(project.migrations, id2, 'dynamodb.json');
    const good = readFileSync(stepsPath, 'utf8');
    writeFileSync(stepsPath, good.replace('"op": "CreateIndex"', '"op": "CreateIndexx"'));
    const bad = await project.run(['migrate', 'apply']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(new RegExp(`migrations/${id2}/dynamodb\\.json: steps\\[\\d+\\]\\.op "CreateIndexx" is not one of`));
    expect(bad.stderr).toContain('nothing was applied');
    // Not even the PostgreSQL half, whose file is fine.
    expect(await ledgerIds(project.connections.postgres!.url)).toEqual([id1]);

    writeFileSync(stepsPath, '{ "format": "quern-dynamodb-steps", ');
    const truncated = await project.run(['migrate', 'status']);
    expect(truncated.code).toBe(1);
    expect(truncated.stderr).toMatch(new RegExp(`${id2}/dynamodb\\.json: not valid JSON`));

    writeFileSync(stepsPath, good);
    const ok = await project.run(['migrate', 'apply']);
    expect(ok.code, ok.stderr).toBe(0);
    const [live, pushed] = await Promise.all([liveSchemas(project.connections), pushedSchemas(v2())]);
    expect(live).toEqual(pushed);
  }));
});

/** Rows of a SQLite file, read outside quern. */
async function sqliteRows(filename: string, sql: string): Promise<Record<string, unknown>[]> {
  const c = libsql({ url: pathToFileURL(filename).href });
  try {
    return (await c.execute(sql)).rows.map((r) => ({ ...r }));
  } finally {
    c.close();
  }
}

// SQLite runs in the process: these need no server.
describe('quern migrate on SQLite (command line, no terminal)', { timeout: scaled(300_000) }, () => {
  it('generate, apply, status, --rename keeps the data, the destructive guard, reset: the file ends up where db push would put it', async ({ expect }) => {
    const targets = await freshTargets({ sqlite: true });
    const project = new Project({ sqlite: targets.connections.sqlite! }, ['sqlite']);
    const file = targets.connections.sqlite!.filename;
    const ledger = async () => (await sqliteRows(file, `SELECT name FROM sqlite_master WHERE name = '_quern_migrations'`)).length ? (await sqliteRows(file, 'SELECT id FROM _quern_migrations ORDER BY id')).map((r) => r.id) : [];
    try {
      project.useVersion(1);
      const gen = await project.run(['migrate', 'generate', '--name', 'init']);
      expect(gen.code, gen.stderr).toBe(0);
      expect(gen.stdout).toContain('Wrote migrations/0001_init/ (migration.sqlite.sql, snapshot.json)');

      const dry = await project.run(['migrate', 'apply', '--dry-run']);
      expect(dry.code, dry.stderr).toBe(0);
      expect(dry.stdout).toContain('CREATE TABLE "User"');
      expect(await ledger()).toEqual([]);

      const apply = await project.run(['migrate', 'apply']);
      expect(apply.code, apply.stderr).toBe(0);
      expect(apply.stdout).toMatch(/sqlite .*: applied 0001_init/);
      const status = await project.run(['migrate', 'status']);
      expect(status.code, status.stderr).toBe(0);
      expect(status.stdout).toMatch(/sqlite\n {2}0001_init\s+applied \d{4}-\d\d-\d\d/);
      const [live, pushed] = await Promise.all([liveSchemas(project.connections), pushedSchemas(v1(), ['sqlite'])]);
      expect(live.sqlite).toBeDefined();
      expect(live.sqlite).toEqual(pushed.sqlite);

      // A row written before the rename, then Post.title → headline.
      const c = libsql({ url: pathToFileURL(file).href });
      await c.execute(`INSERT INTO "User" (id, email, name, "createdAt") VALUES ('u1', 'a@x.io', 'Ann', '2026-01-01T00:00:00.000Z')`);
      await c.execute(`INSERT INTO "Post" (id, "authorId", title, status, "createdAt") VALUES ('p1', 'u1', 'Kept', 'draft', '2026-01-01T00:00:00.000Z')`);
      c.close();
      const withHeadline = (extra: string) => `import { defineSchema, model, f, index, hasMany, belongsTo } from 'quern';
import { v1 } from ${JSON.stringify(fileURLToPath(new URL('./history.ts', import.meta.url)))};
const Post = model('Post', {
  id: f.uuid().key().auto(), authorId: f.uuid(), headline: f.string({ maxLength: 200 }),${extra}
  createdAt: f.timestamp().createdAt(),
}, { indexes: [index('authorId', 'createdAt')] });
export const schema = defineSchema({ user: v1().models.user, post: Post }, {
  relations: { user: { posts: hasMany('post', 'authorId') }, post: { author: belongsTo('user', 'authorId') } },
});
`;
      writeFileSync(join(project.dir, 'schema.ts'), withHeadline(`\n  status: f.enum(['draft', 'published']).default('draft'),`));
      const ambiguous = await project.run(['migrate', 'generate', '--name', 'headline', '--no-report']);
      expect(ambiguous.code).toBe(1);
      expect(ambiguous.stderr).toContain('--rename Post.title=headline');
      const renamed = await project.run(['migrate', 'generate', '--name', 'headline', '--rename', 'Post.title=headline', '--no-report']);
      expect(renamed.code, renamed.stderr).toBe(0);
      expect(renamed.stdout).toContain('renames: Post.title=headline');
      const applyRename = await project.run(['migrate', 'apply']);
      expect(applyRename.code, applyRename.stderr).toBe(0);
      expect(applyRename.stdout).toMatch(/sqlite .*: applied 0002_headline; 1 already applied/);
      expect(await sqliteRows(file, 'SELECT id, headline FROM "Post"')).toEqual([{ id: 'p1', headline: 'Kept' }]);

      // Dropping Post.status loses data: generate and apply each refuse until told.
      writeFileSync(join(project.dir, 'schema.ts'), withHeadline(''));
      const refusedGen = await project.run(['migrate', 'generate', '--name', 'no_status', '--no-report']);
      expect(refusedGen.code).toBe(1);
      expect(refusedGen.stderr).toContain('destructive change needs confirmation');
      expect(refusedGen.stderr).toContain('sqlite: drops column Post.status and its data');
      const gen3 = await project.run(['migrate', 'generate', '--name', 'no_status', '--allow-destructive', '--no-report']);
      expect(gen3.code, gen3.stderr).toBe(0);
      const refusedApply = await project.run(['migrate', 'apply']);
      expect(refusedApply.code).toBe(1);
      expect(refusedApply.stderr).toContain('0003_no_status (sqlite, line');
      expect(refusedApply.stderr).toContain('--allow-destructive');
      expect(await ledger()).toEqual(['0001_init', '0002_headline']);
      const applyDrop = await project.run(['migrate', 'apply', '--allow-destructive']);
      expect(applyDrop.code, applyDrop.stderr).toBe(0);
      expect(await sqliteRows(file, 'SELECT * FROM "Post"')).toEqual([{ id: 'p1', authorId: 'u1', headline: 'Kept', createdAt: '2026-01-01T00:00:00.000Z' }]);

      // reset drops the tables and the ledger, then applies from nothing.
      const reset = await project.run(['migrate', 'reset', '--force']);
      expect(reset.code, reset.stderr).toBe(0);
      expect(reset.stdout).toMatch(/sqlite .*: dropped .*Post.*_quern_migrations/);
      expect(reset.stdout).toMatch(/sqlite .*: applied 0001_init, 0002_headline, 0003_no_status/);
      expect(await sqliteRows(file, 'SELECT count(*) AS n FROM "Post"')).toEqual([{ n: 0 }]);
    } finally {
      project.remove();
      await targets.drop();
    }
  });

  it('db push, then baseline records the migrations without running them', async ({ expect }) => {
    const targets = await freshTargets({ sqlite: true });
    const project = new Project({ sqlite: targets.connections.sqlite! }, ['sqlite']);
    try {
      project.useVersion(1);
      const push = await project.run(['db', 'push', '--target', 'sqlite']);
      expect(push.code, push.stderr).toBe(0);
      const gen = await project.run(['migrate', 'generate', '--name', 'init', '--no-report']);
      expect(gen.code, gen.stderr).toBe(0);
      // Applying over the pushed tables stops at the first CREATE, rolled back, and says what to do.
      const clash = await project.run(['migrate', 'apply']);
      expect(clash.code).toBe(1);
      expect(clash.stderr).toContain('already exists');
      expect(clash.stderr).toContain('quern migrate baseline');
      const baseline = await project.run(['migrate', 'baseline']);
      expect(baseline.code, baseline.stderr).toBe(0);
      expect(baseline.stdout).toMatch(/sqlite .*: recorded as applied 0001_init/);
      const apply = await project.run(['migrate', 'apply']);
      expect(apply.code, apply.stderr).toBe(0);
      expect(apply.stdout).not.toMatch(/applied 0001_init/);
      const status = await project.run(['migrate', 'status']);
      expect(status.stdout).toMatch(/sqlite\n {2}0001_init\s+applied \d{4}-\d\d-\d\d/);
    } finally {
      project.remove();
      await targets.drop();
    }
  });
});
