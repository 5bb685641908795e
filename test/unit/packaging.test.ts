// quern/dynamodb is published through drivers/dynamodb/entry.ts, which re-exports index.ts's
// values by name after checking the optional AWS SDK peer: a value added to index.ts and not to
// entry.ts would be missing from the package while the tests (which import index.ts) pass.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

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
