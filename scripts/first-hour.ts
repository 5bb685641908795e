/**
 * The first hour of a new user, non-interactively, from the packed tarball:
 *
 *   npm pack → a fresh app folder → quern init → migrate dev on PGlite →
 *   db push + migrate baseline + migrate apply on a real PostgreSQL → lint on DynamoDB
 *
 * plus the app's own TypeScript type-checking quern's published types with
 * skipLibCheck off, and the install size of a PostgreSQL-only app.
 *
 *   npx tsx scripts/first-hour.ts --pg-url postgres://…/empty_db [--no-build] [--keep]
 *
 * Offline: the tarball is unpacked into the app's node_modules and its
 * dependencies are linked from this repository's node_modules (what npm would
 * install from the registry), so no network is needed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const REPO_MODULES = join(REPO, 'node_modules');
/** What a PostgreSQL-only app may install besides pg, per the packaging goal. */
export const SIZE_BUDGET_BYTES = 15 * 1024 * 1024;

export interface StepResult {
  readonly step: string;
  readonly command: string;
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface FirstHourResult {
  readonly app: string;
  readonly tarball: string;
  readonly steps: readonly StepResult[];
  /** Bytes a PostgreSQL-only app installs besides pg: quern and its dependencies. */
  readonly installBytes: number;
  readonly installPackages: readonly string[];
}

export interface FirstHourOptions {
  readonly pgUrl: string;
  /** Skip `npm run build` (the caller built dist already, as `npm test` does). */
  readonly build?: boolean;
  readonly keep?: boolean;
  readonly log?: (line: string) => void;
}

class StepFailed extends Error {}

function dirBytes(path: string): number {
  const st = lstatSync(path);
  if (st.isSymbolicLink()) return 0;
  if (!st.isDirectory()) return st.size;
  let n = 0;
  for (const e of readdirSync(path)) n += dirBytes(join(path, e));
  return n;
}

/** Where Node would find `name` from a package folder: its own node_modules, then each parent's. */
function resolvePackage(name: string, from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dirname(dir) === dir) return undefined;
  }
}

/** quern's runtime dependencies, transitively, as npm would install them (peers excluded). */
export function dependencyClosure(pkgDir: string, top = REPO): Map<string, string> {
  const seen = new Map<string, string>();
  const visit = (dir: string, name: string | undefined) => {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) {
      const at = resolvePackage(dep, name ? dir : top);
      if (!at || seen.has(at)) continue;
      seen.set(at, dep);
      visit(at, dep);
    }
  };
  visit(pkgDir, undefined);
  return seen;
}

export async function firstHour(opts: FirstHourOptions): Promise<FirstHourResult> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const work = mkdtempSync(join(tmpdir(), 'quern-first-hour-'));
  const steps: StepResult[] = [];
  try {
    if (opts.build !== false) execFileSync('npm', ['run', 'build'], { cwd: REPO, stdio: 'inherit' });
    // --ignore-scripts: prepack would build again; dist is fresh by now.
    const packed = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: REPO, encoding: 'utf8' });
    const tarball = join(work, (JSON.parse(packed) as { filename: string }[])[0].filename);
    log(`packed ${tarball}`);

    const app = join(work, 'app');
    const modules = join(app, 'node_modules');
    const quern = join(modules, 'quern');
    mkdirSync(quern, { recursive: true });
    execFileSync('tar', ['-xzf', tarball, '-C', quern, '--strip-components=1']);
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({ name: 'first-hour-app', private: true, type: 'module', dependencies: { quern: `file:${tarball}` } }, null, 2),
    );

    // The install size of a PostgreSQL-only app: quern and its dependencies, pg excluded.
    const closure = dependencyClosure(quern);
    const installBytes = dirBytes(quern) + [...closure.keys()].reduce((n, d) => n + dirBytes(d), 0);
    log(`PostgreSQL-only install besides pg: ${(installBytes / 1024 / 1024).toFixed(1)} MB in ${closure.size + 1} packages`);

    // Link what npm would install: quern's dependencies and the peers this app uses.
    const peers = ['pg', '@electric-sql/pglite', '@aws-sdk/client-dynamodb', 'typescript', '@types/node'];
    const direct = Object.keys((JSON.parse(readFileSync(join(quern, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies);
    for (const name of [...direct, ...peers]) {
      const target = join(modules, name);
      if (existsSync(target)) continue;
      mkdirSync(dirname(target), { recursive: true });
      symlinkSync(join(REPO_MODULES, name), target, 'dir');
    }

    const quernBin = join(quern, 'bin', 'quern.mjs');
    const env = { ...process.env, CI: 'true', NODE_ENV: 'development', DATABASE_URL: '', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
    const run = (step: string, cmd: string, args: string[], expectCode = 0): StepResult => {
      log(`$ ${[cmd === process.execPath ? 'node' : cmd, ...args.map((a) => (a === quernBin ? 'quern' : a))].join(' ')}`);
      const r = spawnSync(cmd, args, { cwd: app, env, encoding: 'utf8', timeout: 240_000 });
      const result = { step, command: [cmd, ...args].join(' '), code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
      steps.push(result);
      if (result.code !== expectCode)
        throw new StepFailed(
          `${step}: exit ${result.code} (expected ${expectCode})\n${result.stdout}\n${result.stderr}${r.error ? `\n${r.error.message}` : ''}`,
        );
      return result;
    };
    const quernCli = (step: string, ...args: string[]) => run(step, process.execPath, [quernBin, ...args]);

    quernCli('init', 'init', '--target', 'pglite', '--yes');
    // The app's code: a module of queries, which lint finds and TypeScript checks against quern's types.
    writeFileSync(
      join(app, 'src', 'queries.ts'),
      `import { createClient } from 'quern';
import { pglite } from 'quern/postgres';
import { schema } from './schema.js';

export async function main(dataDir: string): Promise<string> {
  const db = await createClient({ schema, driver: pglite({ dataDir }) });
  try {
    const ann = await db.user.create({ data: { email: 'ann@example.com', name: 'Ann' } });
    await db.post.create({ data: { authorId: ann.id, title: 'Hello' } });
    const posts = await db.post.findMany({ where: { authorId: ann.id }, orderBy: { createdAt: 'desc' }, include: { author: true } });
    const found = await db.user.findUnique({ where: { email: 'ann@example.com' } });
    return \`\${found?.name} wrote \${posts.length} post(s): \${posts[0].title} by \${posts[0].author?.name}\`;
  } finally {
    await db.close();
  }
}
`,
    );
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify(
        {
          compilerOptions: {
            target: 'ES2022',
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            strict: true,
            skipLibCheck: false,
            outDir: 'dist',
            rootDir: 'src',
            types: ['node'],
          },
          include: ['src'],
        },
        null,
        2,
      ),
    );
    run('typecheck the app (skipLibCheck off)', process.execPath, [join(modules, 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json']);

    const dev = quernCli('migrate dev on PGlite', 'migrate', 'dev', '--name', 'init');
    if (!/pglite .*: applied 0001_init/.test(dev.stdout)) throw new StepFailed(`migrate dev did not apply 0001_init:\n${dev.stdout}`);
    const ran = run('the app runs on the migrated PGlite database', process.execPath, [
      '-e',
      `import('./dist/queries.js').then((m) => m.main('./.quern/pglite')).then((s) => console.log(s))`,
    ]);
    if (!ran.stdout.includes('Ann wrote 1 post(s): Hello by Ann')) throw new StepFailed(`the app printed: ${ran.stdout}`);

    const pg = ['--target', 'postgres', '--url', opts.pgUrl];
    const push = quernCli('db push on PostgreSQL', 'db', 'push', ...pg);
    if (!/created .*User/.test(push.stdout)) throw new StepFailed(`db push created nothing:\n${push.stdout}`);
    const pending = run('migrate status explains the pushed database', process.execPath, [quernBin, 'migrate', 'status', ...pg], 1);
    if (!pending.stdout.includes('quern migrate baseline')) throw new StepFailed(`status did not suggest baseline:\n${pending.stdout}`);
    const baseline = quernCli('migrate baseline on PostgreSQL', 'migrate', 'baseline', ...pg);
    if (!baseline.stdout.includes('recorded as applied 0001_init')) throw new StepFailed(`baseline:\n${baseline.stdout}`);
    const apply = quernCli('migrate apply on PostgreSQL', 'migrate', 'apply', ...pg);
    if (!apply.stdout.includes('applied nothing; 1 already applied')) throw new StepFailed(`apply after baseline:\n${apply.stdout}`);

    const lint = quernCli('lint on DynamoDB', 'lint', '--target', 'dynamodb');
    const sites = /(\d+) query sites?/.exec(lint.stdout);
    if (!sites || Number(sites[1]) < 4) throw new StepFailed(`lint found too few query sites (imports not resolved?):\n${lint.stdout}`);

    // An app that never installed a peer gets the command that installs it, not a bare ERR_MODULE_NOT_FOUND.
    rmSync(join(modules, '@aws-sdk', 'client-dynamodb'));
    const noSdk = run('quern/dynamodb without the AWS SDK names the install command', process.execPath, [
      '-e',
      `import('quern/dynamodb').then(() => console.log('loaded'), (e) => console.log(e.name + ': ' + e.message))`,
    ]);
    if (
      !noSdk.stdout.includes("MissingDependencyError: quern/dynamodb needs the package '@aws-sdk/client-dynamodb'") ||
      !noSdk.stdout.includes('npm install @aws-sdk/client-dynamodb@')
    )
      throw new StepFailed(`without the AWS SDK: ${noSdk.stdout}`);
    rmSync(join(modules, 'typescript'));
    const noTs = run('quern lint without TypeScript names the install command', process.execPath, [quernBin, 'lint'], 2);
    if (!noTs.stderr.includes('npm install typescript@')) throw new StepFailed(`lint without TypeScript: ${noTs.stderr}`);

    return { app, tarball, steps, installBytes, installPackages: [...closure.values()].sort() };
  } finally {
    if (!opts.keep) rmSync(work, { recursive: true, force: true });
    else log(`kept ${work}`);
  }
}

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const pgUrl = flag('--pg-url') ?? process.env.DATABASE_URL;
  if (!pgUrl) {
    process.stderr.write('usage: tsx scripts/first-hour.ts --pg-url postgres://…/an_empty_database [--no-build] [--keep]\n');
    process.exit(2);
  }
  firstHour({ pgUrl, build: !process.argv.includes('--no-build'), keep: process.argv.includes('--keep') }).then(
    (r) => {
      process.stdout.write(
        `first hour: ${r.steps.length} steps passed; PostgreSQL-only install ${(r.installBytes / 1024 / 1024).toFixed(1)} MB besides pg (budget 15 MB)\n`,
      );
      if (r.installBytes > SIZE_BUDGET_BYTES) process.exitCode = 1;
    },
    (e: unknown) => {
      process.stderr.write(`first hour FAILED: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
