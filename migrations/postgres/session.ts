/**
 * One SQL session for migrations, on a PostgreSQL server (pg.Client) or on a
 * PGlite data directory. Both speak the same SQL and the same ledger; apply,
 * status, baseline and reset only need `query` and `end`.
 */
import { MigrationError } from '../errors.js';
import { DEFAULT_CONNECT_TIMEOUT_MS } from '../../src/engine/driver.js';
import { loadPeer } from '../../src/peer.js';
import { ensureDataDirParent } from '../../drivers/postgres/pglite-driver.js';
import { redactUrl, type SqlConnection } from '../connections.js';

export interface SqlSession {
  // Rows are whatever the ledger queries select; each caller reads the columns it asked for.
  query(sql: string, params?: readonly unknown[]): Promise<{ rows: Record<string, any>[] }>;
  end(): Promise<void>;
}

export async function openSession(conn: SqlConnection): Promise<SqlSession> {
  if ('dataDir' in conn) {
    const { PGlite } = await loadPeer('@electric-sql/pglite', 'the pglite target', () => import('@electric-sql/pglite'));
    let db: InstanceType<typeof PGlite>;
    try {
      ensureDataDirParent(conn.dataDir);
      db = new PGlite({ dataDir: conn.dataDir });
      await db.waitReady;
    } catch (e) {
      throw new MigrationError(`cannot open the PGlite database in ${conn.dataDir}: ${(e as Error).message}`, 'check pglite.dataDir in quern.config.ts (or --pglite), and that no other process has it open');
    }
    return {
      async query(sql, params) {
        const r = await db.query<Record<string, unknown>>(sql, params ? [...params] : undefined);
        return { rows: r.rows };
      },
      end: () => db.close(),
    };
  }
  const pg = (await loadPeer('pg', 'quern migrate on PostgreSQL', () => import('pg'))).default;
  const timeoutMs = conn.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const client = new pg.Client({ connectionString: conn.url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined);
  const started = performance.now();
  try {
    await client.connect();
  } catch (e) {
    const timedOut = timeoutMs > 0 && performance.now() - started >= timeoutMs;
    const where = redactUrl(conn.url);
    throw new MigrationError(
      timedOut ? `cannot connect to PostgreSQL at ${where}: no answer within ${timeoutMs} ms (--connect-timeout)` : `cannot connect to PostgreSQL at ${where}: ${(e as Error).message}`,
      timedOut ? 'check --url (or postgres.url in quern.config.ts) and that the server is a PostgreSQL server that is up; raise --connect-timeout for a slow network' : 'check --url (or postgres.url in quern.config.ts) and that the server is running',
    );
  }
  return {
    async query(sql, params) {
      const r = await client.query(sql, params ? [...params] : undefined);
      return { rows: r.rows };
    },
    end: () => client.end(),
  };
}
