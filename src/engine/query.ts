/**
 * Lazy query objects. Nothing runs until the query is awaited, which lets
 * `db.batch` collect queries un-run and `.explain()` plan without I/O. Once
 * started, a query runs exactly once: like a promise, every consumer shares
 * its one result (or error).
 */
import type { Method } from '../query/build.js';
import type { Diagnostic } from '../plan/diagnostics.js';
import type { Operation } from '../plan/plan.js';
import type { DriverName } from '../plan/capabilities.js';
import type { PreparedQuery, TargetDescriptor } from './driver.js';
import type { QueryWindow } from '../observe/n-plus-one.js';

export interface Explanation {
  readonly driver: DriverName;
  readonly operations: readonly Operation[];
  readonly diagnostics: readonly Diagnostic[];
  /** Human-readable: one line per operation, then the diagnostics with their fixes. */
  readonly text: string;
}

/** What a Query needs from its client; kept minimal so transactions can bind another executor. */
export interface QueryRunner {
  prepare(q: Query<unknown>, target?: TargetDescriptor): { prepared: PreparedQuery; target: TargetDescriptor };
  execute(q: Query<unknown>): Promise<unknown>;
  explain(q: Query<unknown>, target?: TargetDescriptor): Explanation;
}

export class Query<T> implements PromiseLike<T> {
  /** Call site, captured only for sampled recorded shapes and the N+1 detector's suspects. */
  site?: string;
  /** Chosen for shape recording (recordShapes' sample). */
  sampled?: boolean;
  /** The N+1 detector's window this read was created in. */
  window?: QueryWindow;
  constructor(
    readonly runner: QueryRunner,
    readonly modelKey: string,
    readonly method: Method,
    readonly args: unknown,
  ) {}

  /** The one execution, started by the first `then`; every later consumer shares it, as with a promise. */
  private execution?: Promise<T>;

  /** Whether the query has been started (awaited, or `then`/`catch`/`finally` called). */
  get started(): boolean {
    return this.execution !== undefined;
  }

  then<A = T, B = never>(
    onfulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    // Consuming a query twice (`p.catch(log); await p`) must not write twice.
    this.execution ??= this.start();
    return this.execution.then(onfulfilled, onrejected);
  }

  private start(): Promise<T> {
    try {
      return this.runner.execute(this as Query<unknown>) as Promise<T>;
    } catch (e) {
      return Promise.reject(e);
    }
  }
  catch<B = never>(onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<T | B> {
    return this.then(undefined, onrejected);
  }
  finally(f?: (() => void) | null): Promise<T> {
    return this.then().finally(f);
  }

  /** What `console.log(query)` and `JSON.stringify(query)` show: the query, never the client behind it (its cursor key, its pool). */
  describe(): string {
    const what = this.label();
    return this.started ? `Query ${what} (started)` : `Query ${what}: not run; await it (or pass it to db.batch) to run it`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.describe();
  }

  toJSON(): { query: string; state: 'not run' | 'started'; hint?: string } {
    const query = this.label();
    return this.started ? { query, state: 'started' } : { query, state: 'not run', hint: 'await the query (or pass it to db.batch) to run it' };
  }

  toString(): string {
    return this.describe();
  }

  /** `post.findMany({ where, orderBy })`: argument names only, as values may be personal data. */
  private label(): string {
    const args = this.args && typeof this.args === 'object' ? Object.keys(this.args as object) : [];
    return `${this.modelKey}.${this.method}(${args.length ? `{ ${args.join(', ')} }` : ''})`;
  }

  /**
   * The plan for this query on the client's target, or on another target
   * (`{ target: dynamodbTarget }`) — offline, no I/O. Never throws for
   * capability problems: they are returned as diagnostics.
   */
  explain(opts: { target?: TargetDescriptor } = {}): Promise<Explanation> {
    try {
      return Promise.resolve(this.runner.explain(this as Query<unknown>, opts.target));
    } catch (e) {
      return Promise.reject(e);
    }
  }
}
