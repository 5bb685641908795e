/**
 * Shared by the lint tests: where the fixture app is, which scenario a source
 * line belongs to, and how to seed a database and run the scenarios on it.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import type { AppDb, Params } from '../fixtures/lint-app/src/db.js';
import { queries, type QueryName } from '../fixtures/lint-app/src/queries.js';

export const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'lint-app');
export const QUERIES_FILE = join(FIXTURE, 'src', 'queries.ts');
export const HELPERS_FILE = join(FIXTURE, 'src', 'helpers.ts');

interface Span {
  name: string;
  file: string;
  start: number;
  end: number;
}

/** Scenario spans: each `queries` entry, and each helper function (as `helpers:<name>`). */
function spans(): Span[] {
  const out: Span[] = [];
  for (const [file, prefix] of [
    [QUERIES_FILE, ''],
    [HELPERS_FILE, 'helpers:'],
  ] as const) {
    const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
    const line = (pos: number) => sf.getLineAndCharacterOfPosition(pos).line + 1;
    const visit = (n: ts.Node) => {
      if (
        prefix === '' &&
        ts.isPropertyAssignment(n) &&
        ts.isIdentifier(n.name) &&
        ts.isObjectLiteralExpression(n.parent) &&
        ts.isVariableDeclaration(n.parent.parent)
      ) {
        out.push({ name: n.name.text, file, start: line(n.getStart(sf)), end: line(n.getEnd()) });
      }
      if (prefix !== '' && ts.isFunctionDeclaration(n) && n.name)
        out.push({ name: prefix + n.name.text, file, start: line(n.getStart(sf)), end: line(n.getEnd()) });
      if (prefix !== '' && ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer && ts.isArrowFunction(n.initializer)) {
        out.push({ name: prefix + n.name.text, file, start: line(n.getStart(sf)), end: line(n.getEnd()) });
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return out;
}

const SPANS = spans();

/** The scenario a line of the fixture belongs to (innermost span), or null. */
export function scenarioAt(file: string, line: number): string | null {
  let best: Span | null = null;
  for (const s of SPANS) {
    if (s.file !== file || line < s.start || line > s.end) continue;
    if (!best || s.end - s.start < best.end - best.start) best = s;
  }
  return best?.name ?? null;
}

export const scenarioNames = Object.keys(queries) as QueryName[];
export const helperNames = SPANS.filter((s) => s.name.startsWith('helpers:')).map((s) => s.name);

/** Rows the scenarios need, and the parameters pointing at them. */
export async function seed(db: AppDb): Promise<Params> {
  const ann = await db.user.create({ data: { email: 'ann@example.io', name: 'Ann', age: 41 } });
  const bo = await db.user.create({ data: { email: 'bo@example.io', name: 'Bo' } });
  const posts = [];
  for (let i = 0; i < 4; i++) {
    posts.push(
      await db.post.create({
        data: { authorId: ann.id, title: `post ${i}`, status: i % 2 ? 'draft' : 'published', publishedAt: i % 2 ? null : new Date(Date.UTC(2026, 0, i + 1)) },
      }),
    );
  }
  const doomed = await db.post.create({ data: { authorId: ann.id, title: 'doomed' } });
  await db.post.create({ data: { authorId: bo.id, title: 'by bo' } });
  await db.membership.create({ data: { orgId: 'org-1', userId: ann.id, role: 'owner' } });
  const first = await db.post.paginate({ where: { authorId: ann.id }, orderBy: { createdAt: 'desc' }, first: 2 });
  return {
    userId: ann.id,
    otherUserId: bo.id,
    email: ann.email,
    postId: posts[0].id,
    doomedPostId: doomed.id,
    orgId: 'org-1',
    since: new Date(Date.UTC(2025, 0, 1)),
    word: 'post',
    cursor: first.nextCursor!,
    ids: [posts[0].id, posts[1].id],
    flag: true,
  };
}

/** Runs one scenario to completion; returns the error it threw, if any. */
export async function runScenario(name: QueryName, db: AppDb, p: Params): Promise<unknown> {
  try {
    await (queries[name] as (db: AppDb, p: Params) => PromiseLike<unknown>)(db, p);
    return null;
  } catch (e) {
    return e ?? new Error('thrown undefined');
  }
}

/** `dynamicArgs` passes its arguments through a helper; this is what it passes. */
export const DYNAMIC_SCENARIOS: readonly QueryName[] = ['dynamicArgs', 'mutatedWhere'];
