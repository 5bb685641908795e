// quern/dynamodb is published through drivers/dynamodb/entry.ts, which re-exports index.ts's
// values by name after checking the optional AWS SDK peer: a value added to index.ts and not to
// entry.ts would be missing from the package while the tests (which import index.ts) pass.
import { describe, expect, it } from 'vitest';

describe('the published quern/dynamodb entry', () => {
  it('exports every value of drivers/dynamodb/index.ts, and nothing else', async () => {
    const [entry, index] = await Promise.all([import('../../drivers/dynamodb/entry.js'), import('../../drivers/dynamodb/index.js')]);
    expect(Object.keys(entry).sort()).toEqual(Object.keys(index).sort());
    for (const k of Object.keys(index)) expect((entry as Record<string, unknown>)[k], k).toBe((index as Record<string, unknown>)[k]);
  });
});
