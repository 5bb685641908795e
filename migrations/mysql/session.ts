/**
 * One MySQL/MariaDB session for migrations (mysql2): apply, status, baseline and reset only
 * need `query` and `end`. Parameters are `?` placeholders; timestamps are read and written in
 * UTC, so the ledger's times do not depend on the server's or the client's time zone.
 */
import { DEFAULT_CONNECT_TIMEOUT_MS } from '../../src/engine/driver.js';
import { loadPeer } from '../../src/peer.js';
import { SESSION_SQL } from '../../drivers/mysql/driver.js';
import { redactUrl } from '../../targets/options.js';
import type { MysqlConnection } from '../../targets/mysql.js';
import { MigrationError } from '../errors.js';

export type { MysqlConnection as MysqlMigrateConnection };

/** A server error as mysql2 reports it: `errno` is MySQL's numeric error code (1060 ER_DUP_FIELDNAME, …). */
export interface MysqlServerError extends Error {
  readonly errno?: number;
  readonly code?: string;
  readonly sqlMessage?: string;
}

export interface MysqlSession {
  // Rows are whatever the ledger queries select; each caller reads the columns it asked for.
  query(sql: string, params?: readonly unknown[]): Promise<Record<string, any>[]>;
  end(): Promise<void>;
}

export async function openMysqlSession(conn: MysqlConnection): Promise<MysqlSession> {
  const peer = await loadPeer('mysql2', 'quern migrate on MySQL', () => import('mysql2/promise'));
  const mysql = peer.default ?? peer;
  const timeoutMs = conn.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const where = redactUrl(conn.uri);
  let c: Awaited<ReturnType<typeof mysql.createConnection>>;
  const started = performance.now();
  try {
    // connectTimeout 0 would mean mysql2's own default (10 s): "no bound" is a day.
    const u = new URL(conn.uri); // checked by the target entry (mysql:// or mariadb://, with a database)
    c = await mysql.createConnection({
      host: u.hostname,
      port: u.port ? Number(u.port) : 3306,
      user: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
      database: decodeURIComponent(u.pathname.slice(1)),
      connectTimeout: timeoutMs > 0 ? timeoutMs : 86_400_000,
      timezone: 'Z',
      supportBigNumbers: true,
    });
  } catch (e) {
    const timedOut = timeoutMs > 0 && performance.now() - started >= timeoutMs;
    throw new MigrationError(
      timedOut ? `cannot connect to MySQL at ${where}: no answer within ${timeoutMs} ms (--connect-timeout)` : `cannot connect to MySQL at ${where}: ${(e as Error).message}`,
      'check the mysql URI (--mysql, mysql.uri in quern.config.ts), that the server is up and that the database in the URI exists',
    );
  }
  c.on('error', () => undefined);
  // The driver's session settings: migration files quote identifiers as its DDL does (ANSI_QUOTES),
  // and strict mode makes a value that does not fit a narrowed column fail instead of being cut.
  await c.query(SESSION_SQL);
  const [db] = (await c.query('SELECT DATABASE() AS db')) as unknown as [{ db: string | null }[]];
  if (!db[0]?.db) {
    await c.end().catch(() => undefined);
    throw new MigrationError(`the MySQL URI ${where} names no database`, 'put the database in the URI path: mysql://user:password@host:3306/<database>');
  }
  return {
    async query(sql, params) {
      const [rows] = await c.query(sql, params ? [...params] : undefined);
      return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
    },
    end: () => c.end(),
  };
}
