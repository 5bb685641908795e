/**
 * A scratch project driven through the real command line (`quern` from
 * source, as a child process without a terminal), for what only a process
 * boundary can show: exit codes, messages, crashes and concurrent runs.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Connections } from '../../migrations/connections.js';
import { scratchDir } from './setup.js';

const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
// tsx as a loader in the one node process (its CLI wrapper would add a parent process between
// the test and the apply, and a crash test must kill the apply itself).
const TSX_LOADER = pathToFileURL(join(REPO, 'node_modules/tsx/dist/loader.mjs')).href;
const CLI = join(REPO, 'cli/main.ts');
const HISTORY = join(REPO, 'test/migrations/history.ts');

export interface RunResult { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

export class Project {
  readonly dir: string;
  readonly migrations: string;
  private readonly scratch = scratchDir('cli');

  constructor(readonly connections: Connections, targets: readonly string[] = ['postgres', 'dynamodb']) {
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
  dynamodb: { endpoint: process.env.TEST_DDB_ENDPOINT, region: process.env.TEST_DDB_REGION, tablePrefix: process.env.TEST_DDB_PREFIX },
});
`);
    writeFileSync(join(this.dir, 'queries.ts'), 'export {};\n');
  }

  /** Point the project's schema at one of the history versions (v1 … v7). */
  useVersion(v: number): void {
    writeFileSync(join(this.dir, 'schema.ts'), `import { v${v} } from ${JSON.stringify(HISTORY)};\nexport const schema = v${v}();\n`);
  }

  run(args: readonly string[], env: Record<string, string> = {}): Promise<RunResult> {
    return new Promise((done, fail) => {
      const child = spawn(process.execPath, ['--import', TSX_LOADER, CLI, ...args], {
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
