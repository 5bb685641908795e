/**
 * Checking connections out of a pg Pool: bounded, and aware of the one wait that can never end.
 *
 * With `max` connections all held by db.transaction(...) callbacks that each wait for a further
 * connection (a query on the root client `db` instead of `tx`, or a nested db.transaction), no
 * connection will ever come back. The gate knows which transaction callback a checkout comes from
 * (AsyncLocalStorage), so it sees that cycle close and refuses the checkout that closed it with a
 * PoolExhaustedError; that transaction rolls back and the others go on. Any other wait for a free
 * connection is bounded by the request timeout.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type pg from 'pg';
import { PoolExhaustedError, TimeoutError } from '../../src/errors.js';

/** A transaction holding one pooled connection; `waiting` counts its callback's checkouts in progress. */
interface Holder {
  waiting: number;
}

const within = new AsyncLocalStorage<{ readonly gate: PoolGate; readonly holder: Holder }>();

/**
 * While checked out, the pool does not listen for a client's errors: a session the server ends
 * between two statements would emit an unhandled 'error' and crash the process. The next query on
 * it fails anyway, and that failure is reported, typed.
 */
const listened = new WeakSet<pg.PoolClient>();

/** `postgres://user:secret@host:5432/db?x` → `host:5432/db`: what error messages name. */
export function endpointOf(connectionString: string | undefined, pool?: pg.Pool): string {
  if (connectionString) {
    try {
      const u = new URL(connectionString);
      return `${u.hostname || 'localhost'}:${u.port || '5432'}${u.pathname && u.pathname !== '/' ? u.pathname : ''}`;
    } catch {
      return 'PostgreSQL (unparsable connection string)';
    }
  }
  const o = (pool?.options ?? {}) as { host?: string; port?: number; database?: string };
  return `${o.host ?? 'localhost'}:${o.port ?? 5432}${o.database ? `/${o.database}` : ''}`;
}

/** pg's errors for a connection that could not be opened in time. */
function isConnectTimeout(e: unknown): boolean {
  const m = e instanceof Error ? e.message : '';
  return /timeout expired|connection timeout/i.test(m);
}

/** pg's error for a statement that got no answer within query_timeout. */
export function isRequestTimeout(e: unknown): boolean {
  return e instanceof Error && e.message === 'Query read timeout';
}

export class PoolGate {
  private readonly holders = new Set<Holder>();

  constructor(
    private readonly pool: pg.Pool,
    readonly endpoint: string,
    /** Read at each checkout: createClient may set it after the pool exists. */
    private readonly connectTimeoutMs: () => number,
  ) {}

  private get max(): number {
    return (this.pool.options as { max?: number }).max ?? 10;
  }

  /** A statement that got no answer in time, as the typed error that names the endpoint. */
  requestTimeout(timeoutMs: number, cause: unknown): TimeoutError {
    return new TimeoutError('postgres', this.endpoint, 'request', timeoutMs, cause);
  }

  /**
   * One pooled client, for one statement or one transaction; release it with `client.release(err?)`.
   * `waitMs` bounds the wait for a free connection when all are checked out (0: none).
   */
  async acquire(waitMs: number): Promise<pg.PoolClient> {
    const ctx = within.getStore();
    const from = ctx && ctx.gate === this ? ctx.holder : null;
    const full = this.pool.idleCount === 0 && this.pool.totalCount >= this.max;
    const pending = this.pool.connect();
    const client = full
      ? await this.waitFor(pending, from, waitMs)
      : await pending.catch((e: unknown) => {
          throw this.connectFailure(e);
        });
    if (!listened.has(client)) {
      listened.add(client);
      client.on('error', () => undefined);
    }
    return client;
  }

  /** Runs a transaction's callback as the holder of its connection (see the module comment). */
  hold<T>(fn: () => Promise<T>): Promise<T> {
    const holder: Holder = { waiting: 0 };
    this.holders.add(holder);
    return within.run({ gate: this, holder }, fn).finally(() => this.holders.delete(holder));
  }

  private connectFailure(e: unknown): Error {
    if (isConnectTimeout(e)) return new TimeoutError('postgres', this.endpoint, 'connect', this.connectTimeoutMs(), e);
    return e as Error;
  }

  /** Every pooled connection is held by a transaction of this pool whose callback waits for another one. */
  private deadlocked(): boolean {
    if (this.pool.idleCount > 0 || this.pool.totalCount < this.max) return false;
    let waiting = 0;
    for (const h of this.holders) if (h.waiting > 0) waiting++;
    return waiting >= this.pool.totalCount;
  }

  private waitFor(pending: Promise<pg.PoolClient>, from: Holder | null, waitMs: number): Promise<pg.PoolClient> {
    const started = performance.now();
    return new Promise<pg.PoolClient>((resolve, reject) => {
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const settle = (error: Error | null, client?: pg.PoolClient) => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        if (from) from.waiting--;
        if (error) reject(error);
        else resolve(client!);
      };
      // The pool cannot cancel a queued checkout: a client it hands out after we gave up goes straight back.
      pending.then(
        (client) => (settled ? client.release() : settle(null, client)),
        (e: unknown) => settle(this.connectFailure(e)),
      );
      if (from) from.waiting++;
      if (from && this.deadlocked()) {
        settle(
          new PoolExhaustedError(
            'postgres',
            this.max,
            `every connection is held by a db.transaction(...) callback that is itself waiting for a connection (a query on the root client instead of tx, or a nested db.transaction), so none would ever come back. Inside the callback, query through its tx argument; or raise max (postgres({ max })) above the number of concurrent transactions.`,
          ),
        );
        return;
      }
      if (waitMs > 0) {
        timer = setTimeout(() => {
          settle(
            new PoolExhaustedError(
              'postgres',
              this.max,
              `no connection came free within ${Math.round(performance.now() - started)} ms (requestTimeoutMs ${waitMs}): all ${this.max} are checked out${this.holders.size ? `, ${this.holders.size} of them by open transactions` : ''}. Keep transactions short, make sure their callbacks query through tx, or raise max.`,
            ),
          );
        }, waitMs);
      }
    });
  }
}
