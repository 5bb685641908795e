/** Edge cases of the static extraction, on a small project written for each run. */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadProject } from '../../cli/config.js';
import { runLint } from '../../cli/lint/run.js';
import { FIXTURE } from './fixture.js';

const DIR = join(FIXTURE, '..', 'generated', `extract-${process.pid}`);
afterAll(() => process.env.KEEP || rmSync(DIR, { recursive: true, force: true }));

/** Each case is one line `// case: <name>` followed by the code holding one call. */
const CASES = `
import type { AppDb, Posts } from '../../../lint-app/src/db.js';
import { SHARED_WHERE } from './shared.js';

export async function cases(db: AppDb, posts: Posts, id: string, ids: string[], n: number, flag: boolean, title: string | null) {
  // case: element-access
  await db['post'].findMany({ where: { authorId: id } });
  // case: optional-chain
  await db.post?.findUnique({ where: { id } });
  // case: const-key
  const field = 'authorId';
  await db.post.findMany({ where: { [field]: id } });
  // case: imported-const
  await db.post.findMany({ where: SHARED_WHERE });
  // case: as-const
  const byStatus = { status: 'published' } as const;
  await db.post.findMany({ where: byStatus, allowScan: true });
  // case: template-value
  await db.post.findMany({ where: { title: \`a-\${id}\` }, allowScan: true });
  // case: let-where
  let loose = { authorId: id };
  loose = { authorId: id };
  await db.post.findMany({ where: loose });
  // case: branches-differ
  await db.post.findMany({ where: flag ? { authorId: id } : { title: 'x' } });
  // case: branches-same
  await db.post.findMany({ where: flag ? { authorId: id } : { authorId: 'b' } });
  // case: conditional-spread
  await db.post.findMany({ where: { authorId: id, ...(flag ? { status: 'draft' as const } : {}) } });
  // case: dynamic-allowscan
  await db.post.findMany({ where: { title: 'x' }, allowScan: flag });
  // case: nullable-value
  await db.post.findMany({ where: { authorId: id, title: title ?? 'x' } });
  // case: in-list
  await posts.findMany({ where: { id: { in: ids } } });
  // case: nested-include
  await db.user.findMany({ where: { id: { in: ids } }, include: { posts: { where: { status: 'draft' }, orderBy: { createdAt: 'asc' }, limit: 2 } } });
  // case: batch-const-array
  const writes = [db.tag.create({ data: { label: 'a' } }), db.tag.create({ data: { label: 'b' } })];
  await db.batch([...writes, db.tag.create({ data: { label: 'c' } })]);
  // case: batch-pushed
  const pushed = [db.tag.create({ data: { label: 'a' } })];
  pushed.push(db.tag.create({ data: { label: 'b' } }));
  await db.batch(pushed);
  // case: batch-map
  await db.batch(ids.map((x) => db.tag.create({ data: { label: x } })));
  // case: batch-unique-items
  await db.batch(Array.from({ length: 60 }, (_, i) => db.user.create({ data: { email: \`u\${i}@x.io\`, name: 'u' } })));
  // case: batch-literal-map
  await db.batch(['a', 'b', 'c'].map((label) => db.tag.create({ data: { label } })));
  // case: invalid-enum
  await db.post.findMany({ where: { authorId: id, status: 'archived' as 'draft' } });
  // case: dynamic-count
  await db.post.findMany({ where: { authorId: id }, limit: n, offset: n });
  // case: batch-skip-duplicates
  await db.batch([db.tag.createMany({ data: [{ label: 'a' }], skipDuplicates: true }), db.tag.create({ data: { label: 'b' } })]);
  // case: batch-unknown-size-allowed
  // quern-allow batch-too-large: one tag per label, and labels are few
  await db.batch(ids.map((x) => db.tag.create({ data: { label: x } })));
  // case: unawaited-statement
  db.post.create({ data: { authorId: id, title: 't' } });
  // case: unawaited-void
  void (db.post.delete({ where: { id } }) as unknown);
  // case: unawaited-unused-const
  const lost = db.post.findUnique({ where: { id } });
  // case: awaited-later
  const later = db.post.findUnique({ where: { id } });
  await later;
  // case: then-chained
  db.post.findUnique({ where: { id } }).then(() => null);
  // case: explained
  await db.post.findUnique({ where: { id } }).explain();
  // case: passed-on
  const kept = [db.post.findUnique({ where: { id } })];
  await Promise.all(kept);
  return (async () => db.post.findUnique({ where: { id } }))();
}
`;

describe('static extraction edge cases', async () => {
  mkdirSync(join(DIR, 'src'), { recursive: true });
  writeFileSync(
    join(DIR, 'quern.config.ts'),
    "export default { schema: '../../lint-app/schema.ts', targets: ['postgres', 'dynamodb'], include: ['src/**/*.ts'] };\n",
  );
  writeFileSync(join(DIR, 'src', 'shared.ts'), "export const SHARED_WHERE = { authorId: '00000000-0000-7000-8000-000000000001' };\n");
  writeFileSync(join(DIR, 'src', 'cases.ts'), CASES);
  const lines = CASES.split('\n');
  const caseAt = (line: number) => {
    for (let i = line - 1; i >= 0; i--) {
      const m = /\/\/ case: (\S+)/.exec(lines[i - 1] ?? '');
      if (m) return m[1];
    }
    return null;
  };
  const project = await loadProject({ config: join(DIR, 'quern.config.ts') });
  const r = await runLint(project, { targets: ['postgres', 'dynamodb'] });
  const sites = (name: string) => r.siteReports.filter((s) => s.file === 'src/cases.ts' && caseAt(s.line) === name);
  const codes = (name: string, target?: string) =>
    r.findings
      .filter((f) => f.file === 'src/cases.ts' && caseAt(f.line) === name && (target === undefined || f.target === target || f.target === null))
      .map((f) => f.code)
      .sort();
  const where = (name: string) => JSON.parse(sites(name).find((s) => s.kind === 'query')!.shape!).where;

  it('follows element access, optional chains, constant computed keys, imported and `as const` consts', () => {
    expect(sites('element-access').map((s) => s.model)).toEqual(['Post']);
    expect(sites('optional-chain').map((s) => s.model)).toEqual(['Post']);
    expect(where('const-key')).toMatchObject({ kind: 'compare', field: 'authorId' });
    expect(where('imported-const')).toMatchObject({ kind: 'compare', field: 'authorId' });
    expect(where('as-const')).toMatchObject({ kind: 'compare', field: 'status' });
    expect(codes('as-const')).toEqual([]);
    expect(where('template-value')).toMatchObject({ kind: 'compare', field: 'title' });
  });

  it('reports what it cannot know instead of guessing', () => {
    expect(codes('let-where')).toEqual(['unanalyzable-query']);
    expect(codes('branches-differ')).toEqual(['unanalyzable-query']);
    expect(codes('conditional-spread')).toEqual(['unanalyzable-query']);
    expect(codes('dynamic-allowscan')).toEqual(['unanalyzable-query']);
    expect(r.findings.find((f) => caseAt(f.line) === 'dynamic-allowscan')!.message).toMatch(/allowScan is decided at run time/);
    expect(codes('batch-pushed')).toEqual(['unanalyzable-query']);
    expect(codes('batch-map')).toEqual(['unanalyzable-query']);
  });

  it('accepts conditionals whose branches build the same shape, and scalar expressions of any form', () => {
    expect(codes('branches-same')).toEqual([]);
    expect(where('nullable-value').items.map((i: { field: string }) => i.field)).toEqual(['authorId', 'title']);
    expect(codes('dynamic-count', 'postgres')).toEqual([]);
    expect(JSON.parse(sites('dynamic-count')[0].shape!).limit).toEqual({ slot: 1 });
  });

  it('plans key lists and nested includes', () => {
    expect(codes('in-list', 'dynamodb')).toEqual([]);
    const inc = JSON.parse(sites('nested-include')[0].shape!).include[0];
    expect(inc).toMatchObject({ relation: 'posts', where: { kind: 'compare', field: 'status' }, orderBy: [{ field: 'createdAt', direction: 'asc' }] });
  });

  it('counts batch members through consts, spreads, Array.from and literal maps, with unique-index entries on DynamoDB', () => {
    expect(codes('batch-const-array')).toEqual([]);
    expect(codes('batch-literal-map')).toEqual([]);
    // 60 user creates are 120 transaction items: each carries its email's unique-index entry.
    expect(codes('batch-unique-items', 'dynamodb')).toEqual(['batch-too-large']);
    expect(r.findings.find((f) => caseAt(f.line) === 'batch-unique-items')!.message).toMatch(/60 queries \(120 items/);
    expect(codes('batch-unique-items', 'postgres')).toEqual([]);
  });

  it('refuses createMany({ skipDuplicates }) inside db.batch on DynamoDB only', () => {
    expect(codes('batch-skip-duplicates', 'dynamodb')).toEqual(['batch-item-unsupported']);
    expect(codes('batch-skip-duplicates', 'postgres')).toEqual([]);
    expect(r.findings.find((f) => caseAt(f.line) === 'batch-skip-duplicates')!.fix).toMatch(/drop skipDuplicates/);
  });

  it('the suggested // quern-allow batch-too-large suppresses a batch of unknown size', () => {
    expect(r.findings.find((f) => caseAt(f.line) === 'batch-map')!.fix).toMatch(/quern-allow batch-too-large/);
    expect(codes('batch-unknown-size-allowed')).toEqual([]);
    const s = r.suppressed.filter((f) => caseAt(f.line) === 'batch-unknown-size-allowed');
    expect(s.map((f) => [f.code, f.reason])).toEqual([['unanalyzable-query', 'one tag per label, and labels are few']]);
  });

  it('flags a query that is never awaited, returned or passed on (it never runs), and only those', () => {
    expect(codes('unawaited-statement')).toEqual(['unawaited-query']);
    expect(codes('unawaited-void')).toEqual(['unawaited-query']);
    expect(codes('unawaited-unused-const')).toEqual(['unawaited-query']);
    const f = r.findings.find((x) => caseAt(x.line) === 'unawaited-unused-const')!;
    expect(f).toMatchObject({ severity: 'error', target: null, model: 'Post', method: 'findUnique' });
    expect(f.message).toMatch(/never runs: it is stored in 'lost', which is never used/);
    expect(f.fix).toMatch(/await it/);
    for (const used of ['awaited-later', 'then-chained', 'explained', 'passed-on']) expect(codes(used), used).toEqual([]);
  });

  it('reports arguments the query builder always rejects', () => {
    expect(codes('invalid-enum')).toEqual(['invalid-query']);
    expect(r.findings.find((f) => caseAt(f.line) === 'invalid-enum')!.message).toMatch(/status.*not one of/);
  });
});
