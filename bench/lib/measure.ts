/**
 * Interleaved measurement. Every contender runs the same workload in short
 * alternating rounds (A B C, B C A, C A B, …) after its own warm-up, so drift
 * on a shared two-core machine (other processes, GC, the database's caches)
 * lands on every contender alike instead of on whoever ran last.
 */
import { summarize, type Summary } from './stats.js';

export interface Contender {
  readonly name: string;
  /** One operation. `i` counts this contender's calls, so ops can walk through keys. */
  run(i: number): Promise<unknown>;
  /** Untimed work before each operation (e.g. truncating the insert target). */
  before?(i: number): Promise<void>;
}

export interface Schedule {
  readonly warmup: number;
  readonly rounds: number;
  readonly perRound: number;
}

export interface Measured {
  readonly summary: Summary | null;
  readonly error?: string;
}

const now = () => performance.now();

export function errorText(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message.split('\n')[0]}`;
  return String(e);
}

export async function interleave(contenders: readonly Contender[], schedule: Schedule): Promise<Map<string, Measured>> {
  const samples = new Map<string, number[]>();
  const errors = new Map<string, string>();
  const calls = new Map<string, number>();
  const next = (c: Contender) => {
    const i = calls.get(c.name) ?? 0;
    calls.set(c.name, i + 1);
    return i;
  };

  for (const c of contenders) {
    samples.set(c.name, []);
    try {
      for (let k = 0; k < schedule.warmup; k++) {
        const i = next(c);
        await c.before?.(i);
        await c.run(i);
      }
    } catch (e) {
      errors.set(c.name, errorText(e));
    }
  }

  const live = contenders.filter((c) => !errors.has(c.name));
  for (let r = 0; r < schedule.rounds; r++) {
    // Rotate the starting contender every round so none always follows the same neighbour.
    const order = live.map((_, k) => live[(k + r) % live.length]);
    for (const c of order) {
      if (errors.has(c.name)) continue;
      const out = samples.get(c.name)!;
      try {
        for (let k = 0; k < schedule.perRound; k++) {
          const i = next(c);
          await c.before?.(i);
          const t0 = now();
          await c.run(i);
          out.push(now() - t0);
        }
      } catch (e) {
        errors.set(c.name, errorText(e));
      }
    }
  }

  const result = new Map<string, Measured>();
  for (const c of contenders) {
    const err = errors.get(c.name);
    result.set(c.name, err !== undefined ? { summary: null, error: err } : { summary: summarize(samples.get(c.name)!) });
  }
  return result;
}

/** CPU time of this process in ms (user + system): unlike wall time, it excludes time spent descheduled. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * Synchronous micro-benchmark: calibrates a batch size that takes ~`batchMs`,
 * then times `samples` batches and reports µs per call (median and p95 over
 * batches). Batches are timed in process CPU time, so other processes on a
 * busy machine do not inflate the figures (they still share caches and cores).
 */
export function micro(fn: (i: number) => unknown, opts: { batchMs?: number; samples?: number; warmupMs?: number } = {}): Summary {
  const batchMs = opts.batchMs ?? 20;
  const nSamples = opts.samples ?? 25;
  let i = 0;
  let sink: unknown;
  // Warm-up, in CPU time so a busy machine cannot cut it short: let the JIT settle before calibrating.
  const warmEnd = cpuMs() + (opts.warmupMs ?? 100);
  while (cpuMs() < warmEnd) for (let k = 0; k < 100; k++) sink = fn(i++);
  let batch = 1;
  for (;;) {
    const t0 = now();
    for (let k = 0; k < batch; k++) sink = fn(i++);
    const dt = now() - t0;
    if (dt >= batchMs / 4 || batch >= 1 << 24) {
      batch = Math.max(1, Math.round((batch * batchMs) / Math.max(dt, 1e-3)));
      break;
    }
    batch *= 4;
  }
  const perCall: number[] = [];
  for (let s = 0; s < nSamples; s++) {
    const t0 = cpuMs();
    for (let k = 0; k < batch; k++) sink = fn(i++);
    perCall.push(((cpuMs() - t0) * 1000) / batch);
  }
  if (sink === Symbol.for('never')) console.log(sink); // keep `sink` observable so the calls are not elided
  return summarize(perCall);
}
