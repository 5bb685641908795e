/**
 * Recorded call sites back to the source: production runs compiled JavaScript, so a shape
 * recorded there names `dist/routes.js:12:20`; its source map (a `//# sourceMappingURL=` file or
 * data URL, as tsc and bundlers write them) leads back to `src/routes.ts:10:5`, where lint knows
 * the call. Node's own SourceMap class decodes the mappings.
 */
import { readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Site {
  readonly file: string | null;
  readonly line: number;
  readonly col: number;
}

interface Loaded {
  readonly map: SourceMap;
  /** Where `sources` are relative to: the map's directory joined with its sourceRoot. */
  readonly base: string;
}

const URL_COMMENT = /\/\/[#@] sourceMappingURL=(\S+)\s*$/;

function load(file: string): Loaded | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null; // not on this machine: the site stays as recorded
  }
  const tail = text.slice(-4096).trimEnd().split('\n').pop() ?? '';
  const m = URL_COMMENT.exec(tail);
  if (!m) return null;
  let json: string;
  let mapFile = file;
  try {
    if (m[1].startsWith('data:')) {
      const comma = m[1].indexOf(',');
      const meta = m[1].slice(0, comma);
      const data = m[1].slice(comma + 1);
      json = meta.endsWith(';base64') ? Buffer.from(data, 'base64').toString('utf8') : decodeURIComponent(data);
    } else {
      mapFile = m[1].startsWith('file://') ? fileURLToPath(m[1]) : resolve(dirname(file), decodeURIComponent(m[1]));
      json = readFileSync(mapFile, 'utf8');
    }
    const payload = JSON.parse(json) as SourceMapPayload;
    return { map: new SourceMap(payload), base: resolve(dirname(mapFile), payload.sourceRoot ?? '') };
  } catch {
    return null; // an unreadable map: the site stays as recorded
  }
}

/** Maps a site in compiled JavaScript to its source; any other site (or one without a map) is returned as is. */
export class SourceSites {
  private readonly maps = new Map<string, Loaded | null>();

  map(site: Site): Site {
    if (!site.file || !/\.[cm]?js$/.test(site.file) || site.line < 1) return site;
    let loaded = this.maps.get(site.file);
    if (loaded === undefined) this.maps.set(site.file, (loaded = load(site.file)));
    if (!loaded) return site;
    const entry = loaded.map.findEntry(site.line - 1, Math.max(0, site.col - 1)) as Partial<{
      originalSource: string;
      originalLine: number;
      originalColumn: number;
    }>;
    if (!entry.originalSource || entry.originalLine === undefined) return site;
    const src = entry.originalSource;
    const file = src.startsWith('file://') ? fileURLToPath(src) : isAbsolute(src) ? src : resolve(loaded.base, src);
    return { file, line: entry.originalLine + 1, col: (entry.originalColumn ?? 0) + 1 };
  }
}
