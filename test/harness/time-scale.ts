/**
 * How much slower than on a quiet machine the suite may run. Every timeout of the suite (vitest's
 * test, hook and teardown timeouts, the harness's waits for servers) is a base figure times this
 * factor, so a run on a busy 2-core machine (another CPU-heavy job beside it, or CI) slows down
 * instead of failing. Timeouts only catch hangs; nothing measures speed with them.
 *
 * QUERN_TEST_TIME_SCALE sets the factor. Otherwise it follows the load when the run starts
 * (1 + the one-minute load average per core, at most 6), and is at least 2 under CI. vitest.config.ts
 * fixes it in the environment once, so every worker uses the same factor.
 */
import { cpus, loadavg } from 'node:os';

const MAX = 6;

export function timeScale(env: NodeJS.ProcessEnv = process.env): number {
  const given = Number(env.QUERN_TEST_TIME_SCALE);
  if (env.QUERN_TEST_TIME_SCALE !== undefined && Number.isFinite(given) && given > 0) return given;
  const perCore = loadavg()[0] / Math.max(1, cpus().length);
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0';
  return Math.round(Math.min(MAX, Math.max(1 + perCore, ci ? 2 : 1)) * 100) / 100;
}

/** A base timeout in ms, scaled for this run. */
export const scaled = (ms: number, env: NodeJS.ProcessEnv = process.env): number => Math.round(ms * timeScale(env));
