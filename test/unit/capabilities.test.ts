// Capabilities are data the planner reads: every flag has a reader in src/, and a SQL target that
// declares less gets the refusal with its code from the planner, offline (no server involved).
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { planOffline, postgresCapabilities, type Capabilities, type TargetDescriptor } from 'quern';
import { postgresTarget } from 'quern/postgres';
import { postgresDialect } from '../../src/plan/sql/dialect.js';
import { blog } from './kv-plan-fixtures.js';

const SRC = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'src');
const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [readFileSync(join(dir, e.name), 'utf8')] : [],
  );

describe('every capability flag has a reader', () => {
  // The declarations themselves are not readers.
  const DECLARED_IN = /^\s*(readonly )?\w+[?]?: /;
  const code = sources(SRC)
    .join('\n')
    .split('\n')
    .filter((l) => !DECLARED_IN.test(l))
    .join('\n');

  it.each(Object.keys(postgresCapabilities))('Capabilities.%s', (flag) => {
    expect(code, `nothing in src/ reads .${flag}`).toMatch(new RegExp(`\\.${flag}\\b`));
  });

  it.each(Object.keys(postgresDialect))('SqlDialect.%s', (flag) => {
    expect(code, `nothing in src/ reads .${flag}`).toMatch(new RegExp(`\\.${flag}\\b`));
  });

  it('the check would catch an unread flag', () => {
    expect(code).not.toMatch(/\.neverDeclaredFlag\b/);
  });
});

describe('a SQL target that declares less is refused by the planner, with the code', () => {
  const target = (caps: Partial<Capabilities>): TargetDescriptor => ({
    ...postgresTarget,
    capabilities: { ...postgresCapabilities, ...caps },
  });
  const codes = (t: TargetDescriptor, model: string, method: Parameters<typeof planOffline>[2], args: unknown) =>
    planOffline(blog, model, method, args, t).diagnostics.map((d) => [d.code, d.severity]);

  it('PostgreSQL refuses none of these', () => {
    expect(codes(postgresTarget, 'post', 'findMany', { where: { title: { endsWith: 'x', mode: 'insensitive' } } })).toEqual([]);
    expect(codes(postgresTarget, 'user', 'create', { data: { email: 'a@b.c', name: 'A' }, include: { posts: true } })).toEqual([]);
  });

  it('a text operator outside textOperators: operator-unsupported', () => {
    const t = target({ textOperators: ['contains', 'startsWith'] });
    expect(codes(t, 'post', 'findMany', { where: { title: { endsWith: 'x' } } })).toEqual([['operator-unsupported', 'error']]);
    expect(codes(t, 'post', 'findMany', { where: { title: { startsWith: 'x' } } })).toEqual([]);
  });

  it('case-insensitive matching without caseInsensitive: operator-unsupported', () => {
    const t = target({ caseInsensitive: false });
    expect(codes(t, 'post', 'findMany', { where: { title: { contains: 'x', mode: 'insensitive' } } })).toEqual([['operator-unsupported', 'error']]);
  });

  it('a relation filter without relationFilters: relation-filter-unsupported', () => {
    const t = target({ relationFilters: false });
    expect(codes(t, 'user', 'findMany', { where: { posts: { some: { title: 'x' } } } })).toEqual([['relation-filter-unsupported', 'error']]);
  });
});
