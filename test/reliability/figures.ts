/**
 * The figures `npm run test:stress` prints. Each test attaches what it did to
 * its own task meta (vitest carries meta from the worker to the reporter),
 * and summary-reporter.ts adds them up at the end of the run.
 */
import type { TaskMeta } from 'vitest';

export interface Figures {
  /** Generated read queries, and those whose DynamoDB result was compared with the oracle's. */
  queriesGenerated?: number;
  queriesCompared?: number;
  queriesRefused?: Record<string, number>;
  queriesInvalid?: number;
  /** Of those, the ones that include or count a manyToMany relation. */
  manyToManyGenerated?: number;
  manyToManyCompared?: number;
  /** Random writes replayed on every target. */
  writesCompared?: number;
  /** Faults injected, by kind. */
  faults?: Record<string, number>;
  /** Concurrent workers and the operations they attempted / retried after a conflict. */
  workers?: number;
  operations?: number;
  retries?: number;
  /** Hostile inputs tried, by entry point. */
  hostile?: Record<string, number>;
  /** Invariant violations seen (a test with any fails; the summary shows the total, which must be 0). */
  violations?: number;
}

declare module 'vitest' {
  interface TaskMeta {
    reliability?: Figures;
  }
}

/** Adds `more` into the task's figures (counts add, maps add per key). */
export function record(task: { meta: TaskMeta }, more: Figures): void {
  const cur = (task.meta.reliability ??= {});
  merge(cur, more);
}

export function merge(into: Figures, more: Figures): Figures {
  for (const [k, v] of Object.entries(more) as [keyof Figures, unknown][]) {
    if (typeof v === 'number') (into as Record<string, number>)[k] = ((into as Record<string, number>)[k] ?? 0) + v;
    else if (v && typeof v === 'object') {
      const m = ((into as Record<string, Record<string, number>>)[k] ??= {});
      for (const [kk, n] of Object.entries(v as Record<string, number>)) m[kk] = (m[kk] ?? 0) + n;
    }
  }
  return into;
}

/** A counter map that is easy to bump. */
export function bump(m: Record<string, number>, key: string, by = 1): void {
  m[key] = (m[key] ?? 0) + by;
}
