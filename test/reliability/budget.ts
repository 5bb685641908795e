/**
 * How much each reliability suite does. `npm test` runs the bounded form (a few
 * tens of seconds in all); `npm run test:stress` (QUERN_STRESS=1) the long one.
 * Every loop in this folder is bounded by a count from here AND by a deadline,
 * so a slow machine makes a run shorter, never endless.
 */
export const STRESS = process.env.QUERN_STRESS === '1' || process.env.QUERN_STRESS === 'true';

/** Fixed by default so runs are reproducible; QUERN_SEED=<n> replays a printed failure. */
export const SEED = process.env.QUERN_SEED ? Number(process.env.QUERN_SEED) : 20260601;

const pick = <T>(normal: T, stress: T): T => (STRESS ? stress : normal);

export const BUDGET = {
  /** Generated read queries compared across targets (acceptance: ≥ 2,000, stress 50,000). */
  queries: pick(2_000, 50_000),
  /** Random write operations replayed on every target before comparing final states. */
  writes: pick(300, 4_000),
  /** Fault-injection rounds per fault kind on DynamoDB. */
  dynamoFaultRounds: pick(40, 400),
  /** pg_terminate_backend rounds per scenario (transaction, batch, commit). */
  pgKillRounds: pick(4, 30),
  /** Bank transfer workload. */
  workers: pick(6, 16),
  transfersPerWorker: pick(12, 60),
  /** Unique-email signup contention. */
  signupEmails: pick(6, 40),
  signupWorkers: pick(6, 16),
  /** Hostile inputs per entry point. */
  hostileRuns: pick(150, 2_000),
  /** Wall-clock cap of one suite's main loop (ms): a ceiling against hangs, not a performance assertion. */
  deadlineMs: pick(240_000, 3_600_000),
} as const;

/** vitest timeout for a test that runs a budgeted loop: the deadline plus set-up slack. */
export const LOOP_TIMEOUT = BUDGET.deadlineMs + 120_000;

export function deadline(ms: number = BUDGET.deadlineMs): () => boolean {
  const end = Date.now() + ms;
  return () => Date.now() > end;
}
