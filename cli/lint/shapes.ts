/**
 * Shapes recorded at run time (`QUERN_RECORD=file`, or `createClient({ recordShapes })` in
 * production): one JSON line per executed query, `{ model, method, shape, site, ... }` (format v1
 * in docs/observability.md), site being `file:line:col` of the call, mapped back to the source
 * through source maps when the recording ran compiled JavaScript.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Schema } from '../../src/schema/define.js';
import { ProjectError } from '../errors.js';
import { SourceSites } from './source-map.js';

export interface RecordedShape {
  /** Schema key of the model. */
  readonly model: string;
  readonly method: string;
  readonly shape: string;
  /** Absolute path of the call site, or null when the stack had none. */
  readonly file: string | null;
  readonly line: number;
  readonly col: number;
}

const SITE = /^(.*):(\d+):(\d+)$/;

export function parseSite(site: unknown): { file: string | null; line: number; col: number } {
  if (typeof site !== 'string') return { file: null, line: 0, col: 0 };
  const m = SITE.exec(site);
  if (!m) return { file: null, line: 0, col: 0 };
  const file = m[1].startsWith('file://') ? fileURLToPath(m[1]) : m[1];
  return { file, line: Number(m[2]), col: Number(m[3]) };
}

/** Distinct (site, shape) pairs of a recording; a bad line is a ProjectError naming it. */
export function readShapes(path: string, schema: Schema): { entries: number; shapes: RecordedShape[] } {
  const text = readFileSync(path, 'utf8');
  const seen = new Set<string>();
  const shapes: RecordedShape[] = [];
  let entries = 0;
  const sources = new SourceSites();
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    entries++;
    let rec: { model?: unknown; method?: unknown; shape?: unknown; site?: unknown };
    try {
      rec = JSON.parse(line);
    } catch {
      throw new ProjectError(`${path}:${i + 1}: not a JSON line`);
    }
    if (typeof rec.model !== 'string' || typeof rec.method !== 'string' || typeof rec.shape !== 'string') {
      throw new ProjectError(`${path}:${i + 1}: expected { model, method, shape, site } as written by QUERN_RECORD or recordShapes`);
    }
    if (!schema.def.models[rec.model]) throw new ProjectError(`${path}:${i + 1}: model '${rec.model}' is not in the schema (recorded against another schema?)`);
    const site = sources.map(parseSite(rec.site));
    const key = `${site.file}:${site.line}\u0000${rec.shape}`;
    if (seen.has(key)) return;
    seen.add(key);
    shapes.push({ model: rec.model, method: rec.method, shape: rec.shape, ...site });
  });
  return { entries, shapes };
}
