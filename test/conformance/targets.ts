/**
 * The conformance runner: one suite, written once, run on every target.
 *
 * `conformance(title, body)` declares one describe block per backend
 * (pglite, postgres, dynamodb). Each block opens ONE client for the whole file
 * (PGlite start-up and DynamoDB table creation are too slow to repeat per
 * test), so scenarios isolate their data by content instead: every scenario
 * seeds rows under a fresh tag (a team, an author, an org) and queries them
 * through it. A backend the harness could not start is skipped loudly; under
 * CI the harness fails the run before this file is even loaded.
 *
 * `scenario(name, { needs }, fn)` is the capability mechanism: a scenario
 * declares the capabilities it needs. Where the target has them all, it runs
 * and must pass. Where the target lacks one, it still runs, and it must fail
 * with a CapabilityError whose code is the one documented for the missing
 * capability and whose `fix` is concrete (non-empty) — it is never skipped.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CapabilityError,
  createClient,
  type Capabilities,
  type Client,
  type ClientOptions,
  type DiagnosticCode,
  type Driver,
  type QueryEvent,
  type Schema,
} from 'quern';
import { availableBackends, freshMysqlDatabase, freshPgDatabase, freshTablePrefix, pgliteOptions, testServers, type BackendName } from '../harness/index.js';
import { blog, type Blog } from './schema.js';

export type Db<S extends Schema<any, any> = Blog> = Client<S>;

/** A capability a scenario can need, the predicate over a target's static Capabilities, and the code a target without it must raise. */
interface NeedSpec {
  readonly has: (c: Capabilities) => boolean;
  readonly code: DiagnosticCode;
  readonly what: string;
}

export const NEEDS = {
  relationFilters: { has: (c) => c.relationFilters, code: 'relation-filter-unsupported', what: 'relation filters (some/every/none/is/isNot)' },
  /** SQL targets order by anything; the key-value planner only by the chosen index's sort key. */
  arbitraryOrder: { has: (c) => c.family === 'sql', code: 'order-unsupported', what: 'orderBy on any field' },
  interactiveTransactions: { has: (c) => c.interactiveTransactions, code: 'interactive-transaction-unsupported', what: 'db.transaction' },
  caseInsensitive: { has: (c) => c.caseInsensitive, code: 'operator-unsupported', what: "mode: 'insensitive'" },
  contains: { has: (c) => c.textOperators.includes('contains'), code: 'operator-unsupported', what: 'contains' },
  startsWith: { has: (c) => c.textOperators.includes('startsWith'), code: 'operator-unsupported', what: 'startsWith' },
  endsWith: { has: (c) => c.textOperators.includes('endsWith'), code: 'operator-unsupported', what: 'endsWith' },
  /** `offset` without reading and discarding rows (a warning elsewhere, which strict mode turns into an error). */
  offset: { has: (c) => c.offset === 'native', code: 'offset-emulated', what: 'native offset' },
  /** SQL counts anything; the key-value planner needs a pinned partition (Capabilities.family). */
  unpartitionedCount: { has: (c) => c.family === 'sql', code: 'count-requires-scan', what: 'count without a pinned partition' },
  /** SQL filters on any field; the key-value planner needs a key or index (Capabilities.family). */
  unkeyedFilter: { has: (c) => c.family === 'sql', code: 'scan-required', what: 'filters that pin no key or index' },
  /**
   * lt/gt/orderBy on decimal fields. No static flag in Capabilities yet: DynamoDB stores decimals as S
   * (every digit kept), whose order is not numeric, so its planner refuses ranges with operator-unsupported.
   */
  decimalRange: { has: (c) => c.family === 'sql', code: 'operator-unsupported', what: 'ranges on decimal fields' },
  /** `_count` of relations read in the same request (SQL); DynamoDB runs one COUNT Query per parent, a fanout. */
  inlineRelationCounts: { has: (c) => c.family === 'sql', code: 'fanout', what: 'relation counts in the same request' },
  /** Capabilities.maxAtomicBatch === null. */
  unboundedBatch: { has: (c) => c.maxAtomicBatch === null, code: 'batch-too-large', what: 'atomic batches of any size' },
} satisfies Record<string, NeedSpec>;

export type CapabilityName = keyof typeof NEEDS;

export interface Target<S extends Schema<any, any> = Blog> {
  readonly name: BackendName;
  /** The file's client: strict (warnings throw), as under test by default. */
  readonly db: Db<S>;
  readonly caps: Capabilities;
  /** Every request the strict client and the lax client sent, in order (the `log` hook). */
  readonly events: QueryEvent[];
  /** A non-strict client on the same database: warnings (fanout, offset-emulated) let the query run. */
  lax(): Promise<Db<S>>;
  /** Another client on the same database with more options (tracing, nPlusOne, ...); closed with the file's. */
  client(opts: Omit<ClientOptions<S>, 'schema' | 'driver'>): Promise<Db<S>>;
  /** A fresh tag for isolating a scenario's rows (emails, teams, org ids). */
  tag(prefix?: string): string;
  /** Whether the target has every listed capability. */
  has(...needs: CapabilityName[]): boolean;
}

interface Opened<S extends Schema<any, any>> {
  db: Db<S>;
  driver: Driver;
  lax?: Db<S>;
  close(): Promise<void>;
}

export async function openDriver(name: BackendName): Promise<{ driver: Driver; cleanup: () => Promise<void> }> {
  switch (name) {
    case 'pglite': {
      const { pglite } = await import('quern/postgres');
      return { driver: pglite(pgliteOptions()), cleanup: async () => undefined };
    }
    case 'postgres': {
      const { postgres } = await import('quern/postgres');
      const database = await freshPgDatabase();
      return { driver: postgres({ connectionString: database.url }), cleanup: () => database.drop() };
    }
    case 'dynamodb': {
      const { dynamodb } = await import('quern/dynamodb');
      const server = testServers().dynamodb!;
      const driver = dynamodb({ endpoint: server.endpoint, region: server.region, credentials: server.credentials, tablePrefix: freshTablePrefix() });
      return { driver, cleanup: async () => undefined };
    }
    case 'sqlite': {
      // In memory: one database per file's client, gone when it closes.
      const { sqlite } = await import('quern/sqlite');
      return { driver: sqlite({ filename: ':memory:' }), cleanup: async () => undefined };
    }
    case 'mysql': {
      const { mysql } = await import('quern/mysql');
      const database = await freshMysqlDatabase();
      return { driver: mysql({ uri: database.url }), cleanup: () => database.drop() };
    }
  }
}

async function open<S extends Schema<any, any>>(name: BackendName, events: QueryEvent[], schema: S): Promise<Opened<S>> {
  const { driver, cleanup } = await openDriver(name);
  const log = (e: QueryEvent) => void events.push(e);
  const db = await createClient({ schema, driver, strict: true, log });
  await db.push();
  const opened: Opened<S> = {
    db,
    driver,
    async close() {
      // Both clients share the driver: closing it once closes both.
      try {
        await db.close();
      } finally {
        await cleanup();
      }
    },
  };
  return opened;
}

let tagCounter = 0;
export function newTag(prefix = 't'): string {
  return `${prefix}${(++tagCounter).toString(36)}${randomBytes(4).toString('hex')}`;
}

function makeTarget<S extends Schema<any, any>>(name: BackendName, slot: { opened?: Opened<S> }, events: QueryEvent[], schema: S): Target<S> {
  const need = () => {
    if (!slot.opened) throw new Error(`${name}: the client did not open (see the beforeAll error above)`);
    return slot.opened;
  };
  return {
    name,
    get db() {
      return need().db;
    },
    get caps() {
      return need().db.target.capabilities;
    },
    events,
    async lax() {
      const o = need();
      // A second client over the same driver (and so the same database): only the strictness differs.
      o.lax ??= await createClient({ schema, driver: o.driver, strict: false, log: (e) => void events.push(e), onWarning: () => undefined });
      return o.lax;
    },
    client: (opts) => createClient({ ...opts, schema, driver: need().driver }),
    tag: newTag,
    has(...needs) {
      const caps = need().db.target.capabilities;
      return needs.every((n) => NEEDS[n].has(caps));
    },
  };
}

export interface Suite<S extends Schema<any, any> = Blog> {
  /** A test that runs on every target; see the module comment for `needs`. */
  scenario(name: string, opts: { needs?: CapabilityName[] }, fn: (t: Target<S>) => Promise<void>): void;
}

export interface ConformanceOptions<S extends Schema<any, any> = Blog> {
  /** Restrict to these backends (default: all of them). */
  backends?: readonly BackendName[];
  /** The schema the file's clients use (default: the conformance blog). */
  schema?: S;
}

const ALL: readonly BackendName[] = ['pglite', 'postgres', 'dynamodb', 'sqlite'];

export function conformance<S extends Schema<any, any> = Blog>(
  title: string,
  body: (suite: Suite<S>, target: Target<S>) => void,
  opts: ConformanceOptions<S> = {},
): void {
  const schema = (opts.schema ?? blog) as S;
  const available = new Set(availableBackends());
  const reasons = testServers().reasons;
  for (const name of opts.backends ?? ALL) {
    const here = available.has(name);
    if (!here) {
      // Loud: the harness printed a banner too, and vitest lists these as skipped.
      console.warn(`[conformance] SKIPPING ${title} on ${name}: ${reasons[name] ?? 'unavailable'}`);
    }
    describe.skipIf(!here)(`${title} [${name}]`, () => {
      const slot: { opened?: Opened<S> } = {};
      const events: QueryEvent[] = [];
      const target = makeTarget(name, slot, events, schema);
      beforeAll(async () => {
        slot.opened = await open(name, events, schema);
      });
      afterAll(async () => {
        await slot.opened?.close();
      });
      const suite: Suite<S> = {
        scenario(sname, sopts, fn) {
          it(sname, async () => {
            const needs = sopts.needs ?? [];
            const missing = needs.filter((n) => !NEEDS[n].has(target.caps));
            if (missing.length === 0) {
              await fn(target);
              return;
            }
            await expectRefusal(target, missing, () => fn(target));
          });
        },
      };
      body(suite, target);
    });
  }
}

/** Run `fn` on a target missing `missing`: it must fail with the documented CapabilityError and a fix. */
async function expectRefusal(t: Target<any>, missing: CapabilityName[], fn: () => Promise<void>): Promise<void> {
  const codes = [...new Set(missing.map((n) => NEEDS[n].code))];
  const outcome = await fn().then(
    () => null,
    (e: unknown) => e,
  );
  const label = `${t.name} lacks ${missing.join(', ')}: expected CapabilityError ${codes.join(' | ')}`;
  if (outcome === null) expect.fail(`${label}, but the scenario succeeded (a silent emulation, or a wrong capability table)`);
  if (!(outcome instanceof CapabilityError)) throw Object.assign(new Error(`${label}, got: ${String(outcome)}`), { cause: outcome });
  expect(codes, `${label}, got ${outcome.code}: ${outcome.message}`).toContain(outcome.code);
  expect(outcome.fix ?? '', `${label}: the fix must say what to do`).toMatch(/\S{3}/);
  expect(outcome.driver).toBe(t.name);
}

/**
 * The client for a hasMany include over several parents. On DynamoDB that is one Query per
 * parent, a `fanout` the strict client refuses (asserted in counters.test.ts), so there the
 * lax client runs it; SQL targets keep the strict one.
 */
export async function fanoutReader(t: Target): Promise<Db> {
  return t.caps.family === 'kv' ? t.lax() : t.db;
}

/** Await a promise that must reject; returns the error for further assertions. */
export async function rejection(p: PromiseLike<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  expect.fail('expected the query to throw, but it succeeded');
}

/** Assert a CapabilityError with the given code and a concrete fix. */
export async function expectCapabilityError(p: PromiseLike<unknown>, code: DiagnosticCode): Promise<CapabilityError> {
  const e = await rejection(p);
  expect(e, String(e)).toBeInstanceOf(CapabilityError);
  const c = e as CapabilityError;
  expect(c.code, c.message).toBe(code);
  expect(c.fix ?? '').toMatch(/\S{3}/);
  return c;
}

/** The logical operations (SQL statements or DynamoDB commands) `fn` issued. */
export async function recordOps<T>(t: Target<any>, fn: () => PromiseLike<T>): Promise<{ result: T; ops: string[] }> {
  const start = t.events.length;
  const result = await fn();
  return { result, ops: t.events.slice(start).map((e) => e.operation) };
}

/** Order-insensitive comparison helper: sort by a key. */
export function byKey<T>(rows: readonly T[], key: (r: T) => string): T[] {
  return [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

export const titles = (rows: readonly { title: string }[]) => rows.map((r) => r.title);
export const sortedTitles = (rows: readonly { title: string }[]) => titles(rows).sort();
