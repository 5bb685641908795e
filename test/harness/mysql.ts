// Brings up a MariaDB (MySQL) server for the tests: a given URL (QUERN_TEST_MYSQL_URL), or
// the distribution's own mariadbd on a free port, in a fresh datadir in a temp directory.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { access, chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mysql2 from 'mysql2/promise';
import { envWaitMs } from './env.js';
import { scaled } from './time-scale.js';
import { freePort, hasExited, OutputTail, sleep, terminate, type ProcessGuard } from './processes.js';
import type { MysqlServer } from './types.js';

export interface StartedMysql {
  server: MysqlServer;
  description: string;
  stop(): Promise<void>;
}

const USER = 'quern';
const PASSWORD = 'quern';
/** The unprivileged account Debian's package creates; mariadbd refuses to run as root. */
const SYSTEM_USER = 'mysql';
const START_TIMEOUT_MS = 60_000;
/** Where Debian installs the server, then PATH. */
const SERVER_BINARIES = ['/usr/sbin/mariadbd', '/usr/sbin/mysqld'];
const INSTALL_DB = ['/usr/bin/mariadb-install-db', '/usr/bin/mysql_install_db'];

// Durability buys nothing for a throwaway server; utf8mb4 binary collation as quern's tables use.
const SERVER_FLAGS = [
  '--bind-address=127.0.0.1',
  '--skip-name-resolve',
  '--skip-log-bin',
  '--innodb-flush-log-at-trx-commit=0',
  '--innodb-doublewrite=0',
  '--innodb-buffer-pool-size=128M',
  '--max-connections=500',
  '--character-set-server=utf8mb4',
  '--collation-server=utf8mb4_bin',
  '--default-time-zone=+00:00',
];

const isRoot = () => process.getuid?.() === 0;
const message = (e: unknown) => (e instanceof Error ? e.message : e === undefined ? 'unknown error' : String(e));

export function redactMysqlUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

/** Connection options of a mysql:// URL (the database, if any, left out: the server is what is asked). */
export function mysqlConnectionOptions(url: string): mysql2.ConnectionOptions {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 3306,
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
  };
}

export async function pingMysql(url: string, timeoutMs = 3_000): Promise<void> {
  const conn = await mysql2.createConnection({ ...mysqlConnectionOptions(url), connectTimeout: timeoutMs });
  try {
    await conn.query('SELECT 1');
  } finally {
    await conn.end().catch(() => undefined);
  }
}

async function pingUntil(url: string, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    try {
      return await pingMysql(url, Math.max(500, Math.min(3_000, deadline - Date.now())));
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await sleep(200);
    }
  }
}

async function firstExisting(paths: readonly string[]): Promise<string | undefined> {
  for (const p of paths) {
    try {
      await access(p, constants.X_OK);
      return p;
    } catch {
      // next
    }
  }
  return undefined;
}

/** Throws with the reason when neither the given server nor a local one is available. */
export async function startMysql(ctx: { guard: ProcessGuard }): Promise<StartedMysql> {
  const given = process.env.QUERN_TEST_MYSQL_URL;
  if (given) {
    try {
      await pingUntil(given, envWaitMs());
    } catch (error) {
      throw new Error(`QUERN_TEST_MYSQL_URL=${redactMysqlUrl(given)} does not answer: ${message(error)}`);
    }
    return { server: { url: given, source: 'env' }, description: `QUERN_TEST_MYSQL_URL ${redactMysqlUrl(given)}`, stop: async () => undefined };
  }
  const server = await firstExisting(SERVER_BINARIES);
  const installDb = await firstExisting(INSTALL_DB);
  if (!server || !installDb) {
    throw new Error(
      `no MariaDB server: ${SERVER_BINARIES[0]} or ${INSTALL_DB[0]} is missing (install Debian's mariadb-server: apt-get install -y mariadb-server), and QUERN_TEST_MYSQL_URL is not set`,
    );
  }
  return startLocal(ctx.guard, server, installDb);
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

async function startLocal(guard: ProcessGuard, server: string, installDb: string): Promise<StartedMysql> {
  // A temp directory the mysql account can enter (mkdtemp makes it 0700).
  const root = await mkdtemp(join(tmpdir(), 'quern-mysql-'));
  await chmod(root, 0o755);
  guard.dir(root);
  const data = join(root, 'data');
  await mkdir(data, { mode: 0o700 });
  const asUser: string[] = [];
  if (isRoot()) {
    const id = promisify(execFile);
    const uid = Number((await id('id', ['-u', SYSTEM_USER])).stdout);
    const gid = Number((await id('id', ['-g', SYSTEM_USER])).stdout);
    await chown(root, uid, gid);
    await chown(data, uid, gid);
    asUser.push(`--user=${SYSTEM_USER}`);
  }
  const tail = new OutputTail();
  let child: ChildProcess | undefined;
  try {
    await run([installDb, '--no-defaults', `--datadir=${data}`, ...asUser, '--skip-test-db', '--auth-root-authentication-method=socket'], tail);
    // The test account: a password over TCP, every privilege (tests create their own databases).
    const init = join(root, 'init.sql');
    await writeFile(
      init,
      `CREATE USER IF NOT EXISTS '${USER}'@'%' IDENTIFIED BY '${PASSWORD}';\nGRANT ALL PRIVILEGES ON *.* TO '${USER}'@'%' WITH GRANT OPTION;\n`,
      { mode: 0o644 },
    );
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const argv = [
        server,
        '--no-defaults',
        `--datadir=${data}`,
        `--port=${port}`,
        `--socket=${join(root, 'mysqld.sock')}`,
        `--pid-file=${join(root, 'mysqld.pid')}`,
        `--init-file=${init}`,
        ...asUser,
        ...SERVER_FLAGS,
      ];
      const proc = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
      child = proc;
      tail.attach(proc);
      let timer: NodeJS.Timeout | undefined;
      const ready = await new Promise<boolean>((resolve) => {
        const onData = (chunk: Buffer) => {
          if (chunk.toString().includes('ready for connections')) resolve(true);
        };
        proc.stderr?.on('data', onData);
        proc.stdout?.on('data', onData);
        proc.once('exit', () => resolve(false));
        proc.once('error', () => resolve(false));
        timer = setTimeout(() => resolve(false), scaled(START_TIMEOUT_MS));
      }).finally(() => clearTimeout(timer));
      if (ready) {
        // mariadbd drops to the mysql account itself, so our child is the server.
        guard.pid(proc.pid, 'TERM');
        const url = `mysql://${USER}:${PASSWORD}@127.0.0.1:${port}/`;
        await pingUntil(url, scaled(10_000));
        return {
          server: { url, source: 'system' },
          description: `system MariaDB (${server}) on 127.0.0.1:${port}`,
          stop: async () => {
            await terminate(proc, 'SIGTERM', 15_000);
            guard.forget(proc.pid);
            await rm(root, { recursive: true, force: true });
          },
        };
      }
      await terminate(proc, 'SIGKILL', 5_000);
      if (attempt < 2 && tail.includes('Address already in use')) continue;
      throw new Error(`mariadbd did not start${tail}`);
    }
  } catch (error) {
    if (child && !hasExited(child)) await terminate(child, 'SIGKILL', 5_000);
    await rm(root, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  }
}
