import { describe, expect, it } from 'vitest';
import { findSuppression, parseSuppressions } from '../../cli/lint/suppress.js';

describe('quern-allow comments', () => {
  const text = [
    'const a = 1;', // 1
    '// quern-allow scan-required: exports read everything', // 2
    'await db.post.findMany({ where: { title } });', // 3
    '  // quern-allow order-unsupported, offset-emulated: small table', // 4
    '  // a plain comment between them', // 5
    '  // quern-allow fanout', // 6
    '  await db.post.findMany({ orderBy: { title: "asc" } });', // 7
    '// quern-allow scan-required: not directly above', // 8
    '', // 9
    'await db.user.findMany({ where: { name } });', // 10
  ].join('\n');
  const s = parseSuppressions(text);

  it('applies to the first code line below, through stacked comments', () => {
    expect(findSuppression(s, [3], 'scan-required')?.reason).toBe('exports read everything');
    expect(findSuppression(s, [7], 'order-unsupported')?.reason).toBe('small table');
    expect(findSuppression(s, [7], 'offset-emulated')?.line).toBe(4);
    expect(findSuppression(s, [7], 'fanout')?.reason).toBeNull();
    expect(findSuppression(s, [7], 'scan-required')).toBeUndefined();
  });

  it('needs the comment directly above: a blank line breaks it', () => {
    expect(findSuppression(s, [10], 'scan-required')).toBeUndefined();
  });

  it("matches any of a site's anchor lines, one code at a time", () => {
    expect(findSuppression(s, [1, 3], 'scan-required')).toBeDefined();
    expect(findSuppression(s, [3], 'order-unsupported')).toBeUndefined();
  });
});
