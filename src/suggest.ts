/** "Did you mean …?" for names typed by a person: config keys, fields, operators. */

// Edit distance where swapping two neighbouring letters (`emial`) counts as one typo.
function distance(a: string, b: string): number {
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      let d = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2] + 1);
      row.push(d);
    }
    before = prev;
    prev = row;
  }
  return prev[b.length];
}

/** The known name closest to `input`, when close enough to be a typo (or a singular/plural slip). */
export function closest(input: string, known: readonly string[]): string | undefined {
  const lower = input.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = distance(lower, k.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  if (best === undefined) return undefined;
  return bestD <= Math.max(1, Math.floor(best.length / 3)) ? best : undefined;
}

/** ` (did you mean 'x'?)`, or '' when nothing is close. */
export function didYouMean(input: string, known: readonly string[]): string {
  const c = closest(input, known);
  return c ? ` (did you mean '${c}'?)` : '';
}
