// quern/dynamodb is published through drivers/dynamodb/entry.ts, which re-exports index.ts's
// values by name after checking the optional AWS SDK peer: a value added to index.ts and not to
// entry.ts would be missing from the package while the tests (which import index.ts) pass.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

describe('the published quern/dynamodb entry', () => {
  it('exports every value of drivers/dynamodb/index.ts, and nothing else', async () => {
    const [entry, index] = await Promise.all([import('../../drivers/dynamodb/entry.js'), import('../../drivers/dynamodb/index.js')]);
    expect(Object.keys(entry).sort()).toEqual(Object.keys(index).sort());
    for (const k of Object.keys(index)) expect((entry as Record<string, unknown>)[k], k).toBe((index as Record<string, unknown>)[k]);
  });

  it('package.json bin paths are ones npm publish keeps (it drops a "./bin/..." entry with a warning)', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { bin: Record<string, string> };
    expect(Object.keys(pkg.bin)).toEqual(['quern']);
    for (const path of Object.values(pkg.bin)) expect(path).toMatch(/^bin\/[\w.-]+\.mjs$/);
  });
});

// package.json "exports" points at dist/bundle/ (scripts/bundle.mjs), while the types and the CLI
// are tsc's output: the bundle must export exactly what tsc's entry modules export, and the entry
// points must share one copy of each module (an error thrown through quern/postgres is an instance
// of the QuernError class that quern exports).
describe('the published bundle (dist/bundle/)', () => {
  const REPO = fileURLToPath(new URL('../../', import.meta.url));
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { exports: Record<string, string | { types: string; default: string }> };
  const entries = Object.entries(pkg.exports).filter((e): e is [string, { types: string; default: string }] => typeof e[1] === 'object');

  beforeAll(() => {
    // `npm test` builds dist first and says so; a lone run of this file builds it.
    if (process.env.QUERN_DIST_BUILT !== '1') execFileSync('npm', ['run', 'build'], { cwd: REPO, stdio: 'inherit' });
  }, 600_000);

  it('every subpath export resolves to a bundle file exporting the same values as tsc’s module', async () => {
    expect(entries.map(([subpath]) => subpath).sort()).toEqual(['.', './driver', './dynamodb', './mysql', './postgres', './sqlite']);
    for (const [subpath, target] of entries) {
      expect(target.default, subpath).toMatch(/^\.\/dist\/bundle\/\w+\.js$/);
      const compiled = join(REPO, target.types.replace(/\.d\.ts$/, '.js'));
      expect(existsSync(compiled), `${subpath}: ${compiled}`).toBe(true);
      const [bundled, tsc] = await Promise.all([import(pathToFileURL(join(REPO, target.default)).href), import(pathToFileURL(compiled).href)]);
      expect(Object.keys(bundled).sort(), subpath).toEqual(Object.keys(tsc).sort());
      for (const [k, v] of Object.entries(tsc)) expect(typeof bundled[k], `${subpath} ${k}`).toBe(typeof v);
    }
  });

  it('quern and quern/postgres share one module graph: one QuernError class, one ValidationError', async () => {
    const core = await import(pathToFileURL(join(REPO, 'dist/bundle/index.js')).href);
    const pg = await import(pathToFileURL(join(REPO, 'dist/bundle/postgres.js')).href);
    let thrown: unknown;
    try {
      pg.postgres({ connectionString: 'mysql://nowhere/x' });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(core.ValidationError);
    expect(thrown).toBeInstanceOf(core.QuernError);
  });
});
