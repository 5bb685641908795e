// Environment knobs read by the harness. Parsed strictly: a typo in QUERN_REQUIRE must not
// silently turn a required backend into a skipped one.
import { scaled } from './time-scale.js';
import { ALL_BACKENDS, type BackendName } from './types.js';

type Env = Record<string, string | undefined>;

export const PG_SOURCES = ['container', 'embedded', 'system'] as const;
export const DYNAMO_SOURCES = ['container', 'local-jar'] as const;
export type PgSource = (typeof PG_SOURCES)[number];
export type DynamoSource = (typeof DYNAMO_SOURCES)[number];

function parseList<T extends string>(raw: string, allowed: readonly T[], variable: string): T[] {
  const items = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const item of items) {
    if (item !== 'none' && !(allowed as readonly string[]).includes(item)) {
      throw new Error(`${variable}: unknown name '${item}' (expected a comma list of ${allowed.join(', ')}, or none)`);
    }
  }
  return items.filter((i): i is T => i !== 'none');
}

export function parseBackends(raw: string, variable = 'backend list'): BackendName[] {
  return parseList(raw, ALL_BACKENDS, variable);
}

export function isCI(env: Env = process.env): boolean {
  const ci = (env.CI ?? '').trim().toLowerCase();
  return ci !== '' && ci !== '0' && ci !== 'false';
}

/** What QUERN_REQUIRE may name: the backends, and the browser the studio's tests drive. */
export const REQUIRABLE = [...ALL_BACKENDS, 'chromium'] as const;

/** QUERN_REQUIRE, and under CI every server backend whatever QUERN_REQUIRE says. */
export function requiredFromEnv(env: Env = process.env): BackendName[] {
  const named = parseList(env.QUERN_REQUIRE ?? '', REQUIRABLE, 'QUERN_REQUIRE');
  const required = new Set(named.filter((n): n is BackendName => n !== 'chromium'));
  if (isCI(env)) {
    required.add('postgres');
    required.add('dynamodb');
    required.add('mysql');
  }
  return [...required];
}

/** The studio's browser tests fail instead of skipping without chromium: QUERN_REQUIRE=chromium, or CI. */
export function chromiumRequired(env: Env = process.env): boolean {
  return isCI(env) || parseList(env.QUERN_REQUIRE ?? '', REQUIRABLE, 'QUERN_REQUIRE').includes('chromium');
}

/** QUERN_TEST_BACKENDS narrows what gets started (e.g. `pglite` for a quick local loop). */
export function wantedFromEnv(env: Env = process.env): BackendName[] {
  const raw = env.QUERN_TEST_BACKENDS;
  return raw === undefined || raw.trim() === '' ? [...ALL_BACKENDS] : parseBackends(raw, 'QUERN_TEST_BACKENDS');
}

/** QUERN_TEST_PG_SOURCES / QUERN_TEST_DYNAMODB_SOURCES restrict the fallback chain (mostly to test it). */
export function pgSourcesFromEnv(env: Env = process.env): PgSource[] {
  const raw = env.QUERN_TEST_PG_SOURCES;
  return raw === undefined ? [...PG_SOURCES] : parseList(raw, PG_SOURCES, 'QUERN_TEST_PG_SOURCES');
}

export function dynamoSourcesFromEnv(env: Env = process.env): DynamoSource[] {
  const raw = env.QUERN_TEST_DYNAMODB_SOURCES;
  return raw === undefined ? [...DYNAMO_SOURCES] : parseList(raw, DYNAMO_SOURCES, 'QUERN_TEST_DYNAMODB_SOURCES');
}

/** How long a given endpoint may take to answer: long enough for `docker compose up` to finish. */
export function envWaitMs(env: Env = process.env): number {
  const ms = Number(env.QUERN_TEST_ENDPOINT_WAIT_MS ?? scaled(5_000, env));
  return Number.isFinite(ms) && ms >= 0 ? ms : scaled(5_000, env);
}
