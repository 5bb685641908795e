/**
 * Lint throughput: generates a codebase of `files` files holding `sites` quern
 * query call sites (literals, consts, spreads, aliases, helpers, clients passed
 * as parameters) under bench/generated/, then times `quern lint` on it for both
 * targets, in process. Design target: ≥ 1,000 query sites per second.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadProject } from '../cli/config.js';
import { runLint } from '../cli/lint/run.js';

export interface LintBenchResult {
  /** Query call sites lint found (checked to equal the number generated). */
  sites: number;
  /** Wall time of the lint run: TypeScript program, extraction, planning for every target. */
  seconds: number;
  sitesPerSecond: number;
  /** CPU time (user + system) of the lint run: what wall time would be on an idle machine. */
  cpuSeconds: number;
  /** 1-minute load average when the run ended: wall time is only meaningful on a quiet machine. */
  loadAverage: number;
  /** Loading quern.config.ts and the schema (jiti), not included in `seconds`. */
  loadSeconds: number;
  files: number;
  findings: number;
}

const here = dirname(fileURLToPath(import.meta.url));
// A folder of its own: other benches keep their generated code elsewhere under bench/generated/.
export const GENERATED_DIR = join(here, 'generated', 'lint');

const MODELS = 12;

function schemaSource(): string {
  const models: string[] = [];
  const entries: string[] = [];
  const relations: string[] = [];
  for (let i = 0; i < MODELS; i++) {
    models.push(`export const M${i} = model('M${i}', {
  id: f.uuid().key().auto(),
  ownerId: f.uuid(),
  title: f.string({ maxLength: 200 }),
  status: f.enum(['draft', 'live', 'gone']).default('draft'),
  score: f.int(),
  tags: f.list(f.string()).default([]),
  publishedAt: f.timestamp().nullable(),
  createdAt: f.timestamp().createdAt(),
}, { indexes: [index('ownerId', 'createdAt')] });`);
    entries.push(`m${i}: M${i}`);
    relations.push(`m${i}: { owner: belongsTo('user', 'ownerId') }`);
  }
  return `import { belongsTo, defineSchema, f, hasMany, index, model } from 'quern';

export const User = model('User', {
  id: f.uuid().key().auto(),
  email: f.string().unique(),
  name: f.string(),
  createdAt: f.timestamp().createdAt(),
});

${models.join('\n\n')}

export const schema = defineSchema({ user: User, ${entries.join(', ')} }, {
  relations: {
    user: { m0: hasMany('m0', 'ownerId') },
    ${relations.join(',\n    ')},
  },
});
`;
}

/** One query site; `m` is the model accessor, `k` varies the shape. */
function siteSource(m: string, k: number, n: number): string {
  switch (k % 12) {
    case 0:
      return `export const q${n} = (db: Db, id: string) => db.${m}.findUnique({ where: { id } });`;
    case 1:
      return `export const q${n} = (db: Db, ownerId: string) => db.${m}.findMany({ where: { ownerId }, orderBy: { createdAt: 'desc' }, limit: 20 });`;
    case 2:
      return `export const q${n} = (db: Db) => db.${m}.findMany({ where: { status: 'live' } });`;
    case 3:
      return `export function q${n}(db: Db, ownerId: string, since: Date) {
  const where = { ownerId, publishedAt: { gte: since } };
  return db.${m}.findMany({ where, orderBy: { publishedAt: 'desc' } });
}`;
    case 4:
      return `export const q${n} = (db: Db, word: string) => db.${m}.findMany({ where: { title: { endsWith: word } }, allowScan: true });`;
    case 5:
      return `export const q${n} = (db: Db, ownerId: string) => db.${m}.count({ where: { ownerId } });`;
    case 6:
      return `export async function q${n}(db: Db, ownerId: string) {
  const rows = db.${m};
  const base = { ownerId };
  return rows.findMany({ where: { ...base, status: { in: ['live', 'draft'] } }, limit: 5 });
}`;
    case 7:
      return `export const q${n} = (db: Db, id: string, title: string) => db.${m}.update({ where: { id }, data: { title, score: { increment: 1 } } });`;
    case 8:
      return `export const q${n} = (db: Db, ownerId: string, title: string) => db.${m}.create({ data: { ownerId, title, score: 0 } });`;
    case 9:
      return `export const q${n} = (db: Db, ownerId: string, after: string) => db.${m}.paginate({ where: { ownerId }, orderBy: { createdAt: 'desc' }, first: 20, after });`;
    case 10:
      return `export const q${n} = (db: Db, ids: string[]) => db.${m}.findMany({ where: { id: { in: ids } }, include: { owner: true } });`;
    default:
      return `export const q${n} = (db: Db, tag: string) => db.${m}.deleteMany({ where: { tags: { has: tag } }, allowScan: true });`;
  }
}

/** Writes the codebase; returns the number of query sites written. */
export function generateCodebase(dir: string, files: number, sites: number): number {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'src'), { recursive: true });
  // Like an application depending on the published package, the codebase sees quern through its
  // type declarations (dist/, built by `npm install`'s prepare step); the sources if not built.
  const repo = join(here, '..');
  const types = existsSync(join(repo, 'dist', 'src', 'index.d.ts')) ? join(repo, 'dist', 'src', 'index.d.ts') : join(repo, 'src', 'index.ts');
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022',
          lib: ['ES2024'],
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          skipLibCheck: true,
          noEmit: true,
          paths: { quern: [relative(dir, types).split(sep).join('/')] },
        },
        include: ['**/*.ts'],
      },
      null,
      2,
    ),
  );
  writeFileSync(
    join(dir, 'quern.config.ts'),
    `import { defineConfig } from 'quern';\nexport default defineConfig({ schema: './schema.ts', targets: ['postgres', 'dynamodb'], include: ['src/**/*.ts'] });\n`,
  );
  writeFileSync(join(dir, 'schema.ts'), schemaSource());
  writeFileSync(
    join(dir, 'db.ts'),
    `import type { Client } from 'quern';\nimport type { schema } from './schema.js';\nexport type Db = Client<typeof schema>;\n`,
  );
  let n = 0;
  for (let i = 0; i < files; i++) {
    const count = Math.floor(sites / files) + (i < sites % files ? 1 : 0);
    const body: string[] = [`import type { Db } from '../db.js';`, ''];
    for (let j = 0; j < count; j++) {
      body.push(siteSource(`m${(i + j) % MODELS}`, n, n), '');
      n++;
    }
    writeFileSync(join(dir, 'src', `file${String(i).padStart(4, '0')}.ts`), body.join('\n'));
  }
  return n;
}

export async function runLintBench(opts: { files?: number; sites?: number } = {}): Promise<LintBenchResult> {
  const files = opts.files ?? 300;
  const sites = opts.sites ?? 2000;
  const written = generateCodebase(GENERATED_DIR, files, sites);
  const t0 = performance.now();
  const project = await loadProject({ config: join(GENERATED_DIR, 'quern.config.ts') });
  const t1 = performance.now();
  const c1 = process.cpuUsage();
  const result = await runLint(project, { targets: ['postgres', 'dynamodb'] });
  const seconds = (performance.now() - t1) / 1000;
  const cpu = process.cpuUsage(c1);
  const found = result.siteReports.filter((s) => s.kind === 'query').length;
  if (found !== written) throw new Error(`lint found ${found} query sites, the generator wrote ${written}`);
  return {
    sites: found,
    seconds,
    sitesPerSecond: found / seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    loadAverage: loadavg()[0],
    loadSeconds: (t1 - t0) / 1000,
    files: result.files,
    findings: result.findings.length,
  };
}

// `tsx bench/lint-bench.ts` runs it on its own.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await runLintBench();
  console.log(
    `lint: ${r.sites} query sites in ${r.files} files in ${r.seconds.toFixed(2)} s = ${Math.round(r.sitesPerSecond)} sites/s (CPU ${r.cpuSeconds.toFixed(2)} s; load average ${r.loadAverage.toFixed(1)}; config + schema load ${r.loadSeconds.toFixed(2)} s; ${r.findings} findings)`,
  );
}
