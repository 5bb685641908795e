/**
 * A scratch project driven through the real command line (the `quern` binary,
 * as a child process without a terminal), for what only a process boundary
 * can show: exit codes, messages, crashes and concurrent runs.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Connections } from '../../migrations/connections.js';
import { generateMigration } from '../../migrations/generate.js';
import { nonInteractiveResolver, parseRename } from '../../migrations/diff/renames.js';
import { silentProgress } from '../../migrations/progress.js';
import { applyMigrations } from '../../migrations/run.js';
import type { PlanTarget } from '../../targets/types.js';
import { HISTORY } from './history.js';
import { copyMigration, scratchDir } from './setup.js';

const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const HISTORY_MODULE = join(REPO, 'test/migrations/history.ts');
const COMPILED = ['src', 'drivers', 'migrations', 'cli'];

/**
 * The source file the compiled CLI in dist/ is older than (or lacks), or null when dist/ is current.
 * `npm test` builds first, so CI always has a current dist/.
 */
function staleSource(): string | null {
  if (!existsSync(join(REPO, 'dist/cli/main.js'))) return 'dist/cli/main.js is missing';
  const walk = (dir: string): string | null => {
    for (const e of readdirSync(join(REPO, dir), { withFileTypes: true })) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory()) {
        const found = walk(rel);
        if (found) return found;
      } else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) {
        const out = join(REPO, 'dist', rel.replace(/\.ts$/, '.js'));
        if (!existsSync(out) || statSync(out).mtimeMs < statSync(join(REPO, rel)).mtimeMs) return rel;
      }
    }
    return null;
  };
  for (const dir of COMPILED) {
    const found = walk(dir);
    if (found) return found;
  }
  return null;
}

let command: string[] | undefined;
/**
 * How to start `quern`: plain node on the compiled CLI (bin/quern.mjs, what users run) when dist/
 * is current; from source with tsx as a loader otherwise. tsx costs a transpile of the whole CLI
 * in every child, about twice the CPU. Either way the apply is the one node process a crash test
 * kills (no wrapper process in between). QUERN_TEST_CLI=source forces the source.
 */
function quernCommand(): string[] {
  if (command) return command;
  const stale = process.env.QUERN_TEST_CLI === 'source' ? 'QUERN_TEST_CLI=source' : staleSource();
  if (stale === null) return (command = [join(REPO, 'bin/quern.mjs')]);
  if (process.env.QUERN_TEST_CLI !== 'source') console.warn(`[migrations] running quern from source with tsx (slower): dist/ is not current (${stale}); \`npm run build\` to use it`);
  return (command = ['--import', pathToFileURL(join(REPO, 'node_modules/tsx/dist/loader.mjs')).href, join(REPO, 'cli/main.ts')]);
}

export interface RunResult { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

export class Project {
  readonly dir: string;
  readonly migrations: string;
  private readonly scratch = scratchDir('cli');

  constructor(readonly connections: Connections, readonly targets: readonly PlanTarget[] = ['postgres', 'dynamodb']) {
    this.dir = this.scratch.path;
    this.migrations = join(this.dir, 'migrations');
    mkdirSync(this.migrations, { recursive: true });
    writeFileSync(join(this.dir, 'quern.config.ts'), `import { defineConfig } from 'quern';
export default defineConfig({
  schema: './schema.ts',
  targets: ${JSON.stringify(targets)},
  include: ['queries.ts'],
  migrations: './migrations',
  postgres: { url: process.env.TEST_PG_URL },
  dynamodb: { endpoint: process.env.TEST_DDB_ENDPOINT, region: process.env.TEST_DDB_REGION, tablePrefix: process.env.TEST_DDB_PREFIX },${connections.sqlite ? '\n  sqlite: { filename: process.env.TEST_SQLITE_FILE },' : ''}${connections.mysql ? '\n  mysql: { uri: process.env.TEST_MYSQL_URL },' : ''}
});
`);
    writeFileSync(join(this.dir, 'queries.ts'), 'export {};\n');
  }

  /** Point the project's schema at one of the history versions (v1 … v7). */
  useVersion(v: number): void {
    writeFileSync(join(this.dir, 'schema.ts'), `import { v${v} } from ${JSON.stringify(HISTORY_MODULE)};\nexport const schema = v${v}();\n`);
  }

  /**
   * Write the migrations of history versions 1..n into the project, in-process: the starting point
   * of a scenario (the command line's own generate is tested in cli.test.ts).
   */
  async generateHistory(n: number): Promise<string[]> {
    const ids: string[] = [];
    for (const step of HISTORY.slice(0, n)) {
      const r = await generateMigration({
        schema: step.schema().def, targets: this.targets, dir: this.migrations, name: step.name,
        renames: step.renames.map(parseRename), allowDestructive: step.destructive, resolver: nonInteractiveResolver(false),
      });
      ids.push(r.id!);
    }
    return ids;
  }

  /** Apply exactly these of the project's migrations to its targets, in-process: again a starting point, not the subject. */
  async applyInProcess(ids: readonly string[]): Promise<void> {
    const only = scratchDir('first');
    try {
      for (const id of ids) copyMigration(this.migrations, only.path, id);
      const r = await applyMigrations({ dir: only.path, targets: this.targets, connections: this.connections, progress: silentProgress });
      for (const t of this.targets) {
        if (r[t]?.applied.join() !== ids.join()) throw new Error(`setup: applied ${r[t]?.applied.join(', ')} to ${t}, not ${ids.join(', ')}`);
      }
    } finally {
      only.remove();
    }
  }

  run(args: readonly string[], env: Record<string, string> = {}): Promise<RunResult> {
    return new Promise((done, fail) => {
      const child = spawn(process.execPath, [...quernCommand(), ...args], {
        cwd: this.dir,
        env: {
          ...process.env,
          CI: 'true',
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          QUERN_MIGRATE_POLL_MS: '50',
          TEST_PG_URL: this.connections.postgres?.url ?? '',
          TEST_DDB_ENDPOINT: this.connections.dynamodb?.endpoint ?? '',
          TEST_DDB_REGION: this.connections.dynamodb?.region ?? 'us-east-1',
          TEST_DDB_PREFIX: this.connections.dynamodb?.tablePrefix ?? '',
          TEST_SQLITE_FILE: this.connections.sqlite?.filename ?? '',
          TEST_MYSQL_URL: this.connections.mysql?.uri ?? '',
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('error', fail);
      child.on('close', (code, signal) => done({ code, signal, stdout, stderr }));
    });
  }

  remove(): void {
    this.scratch.remove();
  }
}
