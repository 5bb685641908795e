/** A small seeded PRNG (mulberry32) and helpers: the suites' randomness, reproducible from one number. */
export interface Rng {
  (): number;
  int(lo: number, hi: number): number;
  pick<T>(xs: readonly T[]): T;
  chance(p: number): boolean;
  some<T>(xs: readonly T[], max: number): T[];
  readonly seed: number;
}

export function rng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const r = next as Rng;
  r.int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  r.pick = (xs) => xs[Math.floor(next() * xs.length)];
  r.chance = (p) => next() < p;
  r.some = (xs, max) => {
    const n = Math.floor(next() * (max + 1));
    return Array.from({ length: n }, () => xs[Math.floor(next() * xs.length)]);
  };
  (r as { seed: number }).seed = seed;
  return r;
}

/** A deterministic UUID (v7 layout) from a kind and a number: readable in failure output. */
export const uuidOf = (kind: number, i: number) => `0190${kind.toString(16).padStart(4, '0')}-0000-7000-8000-${i.toString(16).padStart(12, '0')}`;
