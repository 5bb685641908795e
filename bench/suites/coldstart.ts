/**
 * Cold start: a new Node process, from spawn to its first checked result (a
 * PK lookup on the seeded bench database), per contender. Each child is a
 * plain ES module written to bench/generated/coldstart/ that imports its
 * library as an application would: quern by its package name (resolved through
 * package.json "exports" to dist/bundle/, what the package ships), the peers from
 * node_modules. Prisma's generated client is
 * TypeScript, so its child runs under tsx and that transpile is part of its
 * figure (noted in the results). Contenders are spawned in interleaved rounds.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ColdStartFigure, ContenderFigure } from '../lib/results.js';
import { round, summarize } from '../lib/stats.js';
import { TABLES } from '../schema.js';
import { benchId } from '../seed.js';
import { generatePrismaClient } from '../peers/prisma.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const outDir = join(root, 'bench', 'generated', 'coldstart');
const url = (p: string) => JSON.stringify(pathToFileURL(p).href);

const ID = benchId(1, 42);
const COLS = ['id', 'email', 'name', 'age', 'createdAt'];

/** Every child prints READY once its first result is checked; the parent stamps the time. */
function children(connectionString: string): Record<string, { source: string; tsx?: boolean }> {
  const cs = JSON.stringify(connectionString);
  const check = `if (row?.id !== ${JSON.stringify(ID)}) { console.error('wrong result', row); process.exit(1); }\nprocess.stdout.write('READY\\n');`;
  const cols = COLS.map((c) => `"${c}"`).join(', ');
  return {
    pg: {
      source: `import pg from 'pg';
const client = new pg.Client({ connectionString: ${cs} });
await client.connect();
const row = (await client.query({ name: 'pk', text: 'SELECT ${cols} FROM "${TABLES.user}" WHERE "id" = $1', values: [${JSON.stringify(ID)}] })).rows[0];
${check}
await client.end();`,
    },
    quern: {
      // By package name, as an application imports it: the child lies inside this package, so Node
      // resolves `quern` to itself through package.json "exports" (what is published).
      source: `import { createClient, defineSchema, f, model } from 'quern';
import { postgres } from 'quern/postgres';
const User = model('User', { id: f.uuid().key().auto(), email: f.string().unique(), name: f.string(), age: f.int().nullable(), createdAt: f.timestamp().createdAt() }, { table: '${TABLES.user}' });
const db = await createClient({ schema: defineSchema({ user: User }), driver: postgres({ connectionString: ${cs}, max: 1 }), strict: false });
const row = await db.user.findUnique({ where: { id: ${JSON.stringify(ID)} } });
${check}
await db.close();`,
    },
    drizzle: {
      source: `import pg from 'pg';
import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
const users = pgTable('${TABLES.user}', { id: uuid('id').primaryKey(), email: text('email').notNull(), name: text('name').notNull(), age: integer('age'), createdAt: timestamp('createdAt', { withTimezone: true }).notNull() });
const client = new pg.Client({ connectionString: ${cs} });
await client.connect();
const db = drizzle(client);
const row = (await db.select().from(users).where(eq(users.id, ${JSON.stringify(ID)})))[0];
${check}
await client.end();`,
    },
    kysely: {
      source: `import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
const db = new Kysely({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: ${cs}, max: 1 }) }) });
const row = await db.selectFrom('${TABLES.user}').selectAll().where('id', '=', ${JSON.stringify(ID)}).executeTakeFirst();
${check}
await db.destroy();`,
    },
    prisma: {
      tsx: true,
      source: `import { PrismaClient } from ${url(join(root, 'bench', 'generated', 'prisma', 'client.ts'))};
import { PrismaPg } from '@prisma/adapter-pg';
const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: ${cs}, max: 1 }) });
const row = await prisma.user.findUnique({ where: { id: ${JSON.stringify(ID)} } });
${check}
await prisma.$disconnect();`,
    },
  };
}

/** Wall time from spawn to the child's READY line, in ms. */
function once(file: string, tsx: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const args = tsx ? ['--import', 'tsx', file] : [file];
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
    let out = '';
    let err = '';
    let ready: number | null = null;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (ready === null && out.includes('READY')) ready = performance.now() - t0;
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0 && ready !== null) resolve(ready);
      else reject(new Error(`exit ${code}: ${err.trim().split('\n').slice(-2).join(' ')}`));
    });
  });
}

/** Builds dist/ when it is missing (a fresh clone's `npm install` builds it through `prepare`). */
function ensureBuilt(log: (s: string) => void): void {
  if (existsSync(join(root, 'dist', 'bundle', 'index.js')) && existsSync(join(root, 'dist', 'bundle', 'postgres.js'))) return;
  log('  building dist/ for the cold-start child (npm run build)');
  const r = spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm run build failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ')}`);
}

export async function runColdStart(connectionString: string, rounds: number, log: (s: string) => void): Promise<ColdStartFigure> {
  ensureBuilt(log);
  generatePrismaClient(log);
  await mkdir(outDir, { recursive: true });
  const kids = children(connectionString);
  const names = Object.keys(kids);
  for (const name of names) await writeFile(join(outDir, `${name}.mjs`), kids[name].source + '\n');
  const samples = new Map<string, number[]>(names.map((n) => [n, []]));
  const errors = new Map<string, string>();
  // One untimed start each: the OS file cache, not the first contender, pays for the first disk reads.
  for (const name of names)
    await once(join(outDir, `${name}.mjs`), !!kids[name].tsx).catch((e) => errors.set(name, String(e instanceof Error ? e.message : e)));
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + r) % names.length];
      if (errors.has(name)) continue;
      try {
        samples.get(name)!.push(await once(join(outDir, `${name}.mjs`), !!kids[name].tsx));
      } catch (e) {
        errors.set(name, e instanceof Error ? e.message : String(e));
      }
    }
  }
  const base = samples.get('pg')!.length ? summarize(samples.get('pg')!).median : null;
  const contenders: Record<string, ContenderFigure> = {};
  for (const name of names) {
    const s = samples.get(name)!;
    const sum = s.length ? summarize(s) : null;
    contenders[name] = {
      median: sum ? round(sum.median, 1) : null,
      p95: sum ? round(sum.p95, 1) : null,
      n: s.length,
      ratio: sum && base ? round(sum.median / base, 3) : null,
      ...(errors.has(name) ? { error: errors.get(name)! } : {}),
    };
    if (errors.has(name)) log(`    cold start ${name}: ${errors.get(name)}`);
  }
  return {
    baseline: 'pg',
    rounds,
    contenders,
    note: 'a new node process per sample, spawn to the first checked PK lookup; quern by package name (dist/bundle/, as shipped); prisma under tsx (its generated client is TypeScript), so its figure includes that transpile',
  };
}
