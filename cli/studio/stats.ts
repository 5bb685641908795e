/**
 * Live query stats: the recorded-shapes file an app appends to (`recordShapes` or QUERN_RECORD,
 * format in docs/observability.md), read again on every request of the page and summed per call
 * site (mapped to the source through source maps, as lint does) and shape. Older lines without cost fields (`{ model, method, shape, site }`) count too.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { parseSite } from '../lint/shapes.js';
import { SourceSites } from '../lint/source-map.js';

export interface ShapeStat {
  /** `file:line` relative to the project root, or null when the recording had no site. */
  readonly site: string | null;
  readonly model: string;
  readonly method: string;
  readonly shape: string;
  readonly shapeId: string | null;
  readonly drivers: readonly string[];
  readonly count: number;
  /** Over the lines that carry durationMs (null when none do). */
  readonly avgMs: number | null;
  readonly maxMs: number | null;
  readonly requests: number | null;
  readonly rows: number | null;
  /** outcome → count (`ok`, a diagnostic code, an error class). */
  readonly outcomes: Readonly<Record<string, number>>;
  readonly lastAt: string | null;
}

export interface StatsView {
  readonly file: string | null;
  readonly exists: boolean;
  readonly lines: number;
  /** Lines that were not a recorded query (cut off mid-write, or another file): counted, skipped. */
  readonly skipped: number;
  readonly shapes: readonly ShapeStat[];
}

interface Acc {
  site: string | null;
  model: string;
  method: string;
  shape: string;
  shapeId: string | null;
  drivers: Set<string>;
  count: number;
  timed: number;
  totalMs: number;
  maxMs: number | null;
  requests: number | null;
  rows: number | null;
  outcomes: Record<string, number>;
  lastAt: string | null;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function readStats(file: string | null, root: string): StatsView {
  if (!file) return { file: null, exists: false, lines: 0, skipped: 0, shapes: [] };
  const path = isAbsolute(file) ? file : resolve(root, file);
  if (!existsSync(path)) return { file: path, exists: false, lines: 0, skipped: 0, shapes: [] };
  const by = new Map<string, Acc>();
  // Sites recorded in compiled JavaScript are shown at their source line, as lint reports them.
  const sources = new SourceSites();
  let lines = 0;
  let skipped = 0;
  for (const line of readFileSync(path, 'utf8').split(/\r?\n/)) {
    if (!line.trim()) continue;
    lines++;
    let rec: Record<string, unknown>;
    try {
      rec = JSON.parse(line) as Record<string, unknown>;
    } catch {
      // The app may be writing this very line: skip it, the next read sees it whole.
      skipped++;
      continue;
    }
    if (!rec || typeof rec.model !== 'string' || typeof rec.method !== 'string' || typeof rec.shape !== 'string') {
      skipped++;
      continue;
    }
    const s = sources.map(parseSite(rec.site));
    const site = s.file ? `${relative(root, s.file).split(sep).join('/')}:${s.line}` : null;
    const key = `${site}\u0000${rec.shape}`;
    let a = by.get(key);
    if (!a) {
      a = {
        site,
        model: rec.model,
        method: rec.method,
        shape: rec.shape,
        shapeId: typeof rec.shapeId === 'string' ? rec.shapeId : null,
        drivers: new Set(),
        count: 0,
        timed: 0,
        totalMs: 0,
        maxMs: null,
        requests: null,
        rows: null,
        outcomes: {},
        lastAt: null,
      };
      by.set(key, a);
    }
    a.count++;
    if (typeof rec.driver === 'string') a.drivers.add(rec.driver);
    const ms = num(rec.durationMs);
    if (ms !== null) {
      a.timed++;
      a.totalMs += ms;
      a.maxMs = Math.max(a.maxMs ?? ms, ms);
    }
    const req = num(rec.requests);
    if (req !== null) a.requests = (a.requests ?? 0) + req;
    const rows = num(rec.rows);
    if (rows !== null) a.rows = (a.rows ?? 0) + rows;
    const outcome = typeof rec.outcome === 'string' ? rec.outcome : 'ok';
    a.outcomes[outcome] = (a.outcomes[outcome] ?? 0) + 1;
    if (typeof rec.at === 'string' && (a.lastAt === null || rec.at > a.lastAt)) a.lastAt = rec.at;
  }
  const shapes = [...by.values()]
    .map((a): ShapeStat => ({
      site: a.site,
      model: a.model,
      method: a.method,
      shape: a.shape,
      shapeId: a.shapeId,
      drivers: [...a.drivers].sort(),
      count: a.count,
      avgMs: a.timed ? a.totalMs / a.timed : null,
      maxMs: a.maxMs,
      requests: a.requests,
      rows: a.rows,
      outcomes: a.outcomes,
      lastAt: a.lastAt,
    }))
    .sort((x, y) => y.count - x.count || (x.site ?? '').localeCompare(y.site ?? ''));
  return { file: path, exists: true, lines, skipped, shapes };
}
