/**
 * `quern migrate` on MySQL (MariaDB) through the command line, no terminal: generate → apply →
 * status, the destructive guard at generate and at apply, `--rename` keeping the data, and
 * `db push` → baseline → reset. The crash and lock scenarios are in reliability.test.ts.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';
import mysql from 'mysql2/promise';
import { applyMigrations, migrationStatuses } from '../../migrations/run.js';
import { DestructiveChangeError, MigrationError } from '../../migrations/errors.js';
import { silentProgress } from '../../migrations/progress.js';
import { backends, freshTargets, liveSchemas, pushedSchemas } from './setup.js';
import { Project } from './project.js';
import { v1, v5 } from './history.js';
import { scaled } from '../harness/time-scale.js';

const { mysql: hasMysql, missing } = backends();
if (!hasMysql) console.warn(`[migrations] SKIPPING the MySQL command-line tests: ${missing.join(', ')}`);

async function query<T = Record<string, unknown>>(uri: string, sql: string): Promise<T[]> {
  const c = await mysql.createConnection(uri);
  try {
    await c.query("SET SESSION sql_mode = 'ANSI_QUOTES,STRICT_ALL_TABLES'");
    return (await c.query(sql))[0] as T[];
  } finally {
    await c.end();
  }
}

async function ledgerIds(uri: string): Promise<string[]> {
  const [t] = await query(uri, `SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = '_quern_migrations'`);
  return Number(t.n) ? (await query<{ id: string }>(uri, 'SELECT id FROM _quern_migrations ORDER BY id')).map((r) => r.id) : [];
}

/** A project of its own on a fresh MySQL database, removed afterwards. */
async function scenario(work: (project: Project, uri: string) => Promise<void>): Promise<void> {
  const targets = await freshTargets({ mysql: true });
  const project = new Project({ mysql: targets.connections.mysql! }, ['mysql']);
  try {
    await work(project, targets.connections.mysql!.uri);
  } finally {
    project.remove();
    await targets.drop();
  }
}

describe.skipIf(!hasMysql)('quern migrate on MySQL (command line, no terminal)', { timeout: scaled(300_000), concurrent: true }, () => {
  it('generate, dry run, apply, status: the database ends up where db push would put it', ({ expect }) => scenario(async (project, uri) => {
    project.useVersion(1);
    const gen = await project.run(['migrate', 'generate', '--name', 'init', '--no-report']);
    expect(gen.code, gen.stderr).toBe(0);
    expect(gen.stdout).toContain('Wrote migrations/0001_init/ (migration.mysql.sql, snapshot.json)');
    const file = readFileSync(join(project.migrations, '0001_init', 'migration.mysql.sql'), 'utf8');
    expect(file).toContain('-- quern migration 0001_init (MySQL)');
    expect(file).toContain('ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User" ("id");');

    const dry = await project.run(['migrate', 'apply', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stderr + dry.stdout).toContain('CREATE TABLE "User"');
    expect(await ledgerIds(uri)).toEqual([]);

    const apply = await project.run(['migrate', 'apply']);
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toMatch(/mysql .*: applied 0001_init/);
    expect(apply.stderr).toContain('0001_init (mysql)');
    const status = await project.run(['migrate', 'status']);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/mysql\n {2}0001_init\s+applied \d{4}-\d\d-\d\d/);

    const [live, pushed] = await Promise.all([liveSchemas(project.connections), pushedSchemas(v1(), ['mysql'])]);
    expect(live.mysql).toBeDefined();
    expect(live.mysql).toEqual(pushed.mysql);
    const again = await project.run(['migrate', 'generate', '--no-report']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('No changes');
    const nothing = await project.run(['migrate', 'apply']);
    expect(nothing.code, nothing.stderr).toBe(0);
    expect(nothing.stdout).toMatch(/mysql .*: applied nothing; 1 already applied/);
  }));

  it('a destructive change needs --allow-destructive at generate and again at apply; until then nothing runs', ({ expect }) => scenario(async (project, uri) => {
    const ids = await project.generateHistory(4);
    await project.applyInProcess(ids);
    project.useVersion(5);
    const refused = await project.run(['migrate', 'generate', '--name', 'cleanup', '--no-report']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('mysql: drops column Post.views and its data');
    expect(refused.stderr).toContain('--allow-destructive');
    expect(readdirSync(project.migrations)).toEqual(ids);

    const gen = await project.run(['migrate', 'generate', '--name', 'cleanup', '--allow-destructive', '--no-report']);
    expect(gen.code, gen.stderr).toBe(0);
    const id5 = '0005_cleanup';
    expect(readFileSync(join(project.migrations, id5, 'migration.mysql.sql'), 'utf8')).toContain('-- quern:destructive drops column Post.views and its data\nALTER TABLE "Post" DROP COLUMN "views";');

    // In process: the exact error, listing the statement by line, and nothing recorded.
    const e = await applyMigrations({ dir: project.migrations, targets: ['mysql'], connections: project.connections, progress: silentProgress }).catch((x) => x);
    expect(e).toBeInstanceOf(DestructiveChangeError);
    expect((e as DestructiveChangeError).changes).toEqual([expect.stringMatching(new RegExp(`^${id5} \\(mysql, line \\d+\\): drops column Post\\.views and its data$`))]);
    const { reports } = await migrationStatuses(project.migrations, ['mysql'], project.connections);
    expect(reports[0].rows!.find((r) => r.id === id5)!.state).toBe('pending');
    expect((await query(uri, `SELECT column_name FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'Post' AND column_name = 'views'`)).length).toBe(1);

    const cli = await project.run(['migrate', 'apply']);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain('--allow-destructive');
    const ok = await project.run(['migrate', 'apply', '--allow-destructive']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(new RegExp(`mysql .*: applied ${id5}; 4 already applied`));
    const [live, pushed] = await Promise.all([liveSchemas(project.connections), pushedSchemas(v5(), ['mysql'])]);
    expect(live.mysql).toEqual(pushed.mysql);
    expect(await ledgerIds(uri)).toEqual([...ids, id5]);
  }));

  it('without a terminal an ambiguous rename fails and names the flag; --rename keeps the data', ({ expect }) => scenario(async (project, uri) => {
    await project.applyInProcess(await project.generateHistory(1));
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
    await query(uri, `INSERT INTO "User" (id, email, name, "createdAt") VALUES ('0190d7a4-0000-7000-8000-000000000001', 'a@x.io', 'Ann', UTC_TIMESTAMP(3))`);
    await query(uri, `INSERT INTO "Post" (id, "authorId", title, status, "createdAt") VALUES ('0190d7a4-0000-7000-8000-000000000002', '0190d7a4-0000-7000-8000-000000000001', 'Kept', 'draft', UTC_TIMESTAMP(3))`);

    const refused = await project.run(['migrate', 'generate', '--name', 'headline', '--no-report']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--rename Post.title=headline');
    expect(readdirSync(project.migrations)).toEqual(['0001_init']);

    const gen = await project.run(['migrate', 'generate', '--name', 'headline', '--rename', 'Post.title=headline', '--no-report']);
    expect(gen.code, gen.stderr).toBe(0);
    const file = readFileSync(join(project.migrations, '0002_headline', 'migration.mysql.sql'), 'utf8');
    expect(file).toContain('ALTER TABLE "Post" RENAME COLUMN "title" TO "headline";');
    expect(file).not.toContain('DROP COLUMN');
    const apply = await project.run(['migrate', 'apply']);
    expect(apply.code, apply.stderr).toBe(0);
    expect(await query(uri, 'SELECT headline FROM "Post"')).toEqual([{ headline: 'Kept' }]);
  }));

  it('db push, then baseline records without running; an apply over pushed tables names baseline; reset --force drops and re-applies', ({ expect }) => scenario(async (project, uri) => {
    project.useVersion(1);
    const push = await project.run(['db', 'push']);
    expect(push.code, push.stderr).toBe(0);
    const gen = await project.run(['migrate', 'generate', '--name', 'init', '--no-report']);
    expect(gen.code, gen.stderr).toBe(0);

    // Applying over what push created: the first CREATE TABLE meets its table.
    const clash = await applyMigrations({ dir: project.migrations, targets: ['mysql'], connections: project.connections, progress: silentProgress }).catch((x) => x);
    expect(clash).toBeInstanceOf(MigrationError);
    expect((clash as Error).message).toContain("failed on MySQL: Table 'User' already exists");
    expect((clash as Error).message).toContain('quern migrate baseline');

    const baseline = await project.run(['migrate', 'baseline']);
    expect(baseline.code, baseline.stderr).toBe(0);
    expect(baseline.stdout).toMatch(/mysql .*: recorded as applied 0001_init/);
    const status = await project.run(['migrate', 'status']);
    expect(status.code, status.stdout).toBe(0);
    expect(status.stdout).toMatch(/mysql\n {2}0001_init\s+applied \d{4}-\d\d-\d\d/);

    const refused = await project.run(['migrate', 'reset']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('--force');
    const reset = await project.run(['migrate', 'reset', '--force']);
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stdout).toMatch(/mysql .*: dropped .*Post/);
    expect(reset.stdout).toMatch(/mysql .*: applied 0001_init/);
    const [live, pushed] = await Promise.all([liveSchemas(project.connections), pushedSchemas(v1(), ['mysql'])]);
    expect(live.mysql).toEqual(pushed.mysql);
    expect(await ledgerIds(uri)).toEqual(['0001_init']);
  }));
});

