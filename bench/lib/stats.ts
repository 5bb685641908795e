/** Order statistics over timing samples. Medians and p95, never means alone: the machine is shared. */

export interface Summary {
  /** milliseconds (comparison workloads) or microseconds (micro-benchmarks), as the caller measured */
  readonly median: number;
  readonly p95: number;
  readonly mean: number;
  readonly min: number;
  readonly n: number;
}

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  // Linear interpolation between closest ranks (the R-7 / numpy default).
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((s, x) => s + x, 0) / (sorted.length || 1);
  return { median: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), mean, min: sorted[0] ?? NaN, n: sorted.length };
}

/** Round to a sensible number of significant digits for JSON and tables. */
export function round(x: number, digits = 3): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const magnitude = Math.floor(Math.log10(Math.abs(x)));
  const factor = 10 ** Math.max(0, digits - 1 - magnitude);
  return Math.round(x * factor) / factor;
}
