/**
 * `// quern-allow <code>[, <code>]: <reason>` on the line above a query
 * suppresses those codes at that one site. Stacked comment lines all apply to
 * the first code line below them.
 */
export interface Suppression {
  readonly codes: readonly string[];
  readonly reason: string | null;
  /** 1-based position of the comment itself. */
  readonly line: number;
  readonly col: number;
  used: boolean;
}

const ALLOW = /^(\s*)\/\/\s*quern-allow\b\s*([A-Za-z0-9_,\s-]*?)\s*(?::\s*(.*?))?\s*$/;
const COMMENT_ONLY = /^\s*(\/\/.*|\/\*.*\*\/\s*)?$/;

/** Suppressions keyed by the line they apply to. */
export function parseSuppressions(text: string): Map<number, Suppression[]> {
  const out = new Map<number, Suppression[]>();
  if (!text.includes('quern-allow')) return out;
  const lines = text.split(/\r?\n/);
  let pending: Suppression[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = ALLOW.exec(lines[i]);
    if (m) {
      const codes = m[2].split(/[\s,]+/).filter(Boolean);
      pending.push({ codes, reason: m[3] ? m[3].trim() || null : null, line: i + 1, col: m[1].length + 1, used: false });
      continue;
    }
    if (pending.length && COMMENT_ONLY.test(lines[i]) && lines[i].trim() !== '') continue;
    if (pending.length) {
      out.set(i + 1, pending);
      pending = [];
    }
  }
  return out;
}

export function findSuppression(byLine: Map<number, Suppression[]> | undefined, anchors: readonly number[], code: string): Suppression | undefined {
  if (!byLine) return undefined;
  for (const a of anchors) {
    const s = byLine.get(a)?.find((x) => x.codes.includes(code));
    if (s) return s;
  }
  return undefined;
}
