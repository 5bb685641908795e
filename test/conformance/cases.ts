/**
 * The filter cases: one where per operator edge, with the titles it selects
 * from FILTER_POSTS. Used by filters.test.ts (exact expectations) and by
 * differential.test.ts (the same wheres over generated data, compared across targets).
 */
import type { Where } from 'quern';
import type { Blog } from './schema.js';
import type { CapabilityName } from './targets.js';

export const A = 'Alpha',
  B = 'Beta',
  G = 'gamma ray',
  D = 'Delta',
  O = "O'Hara'; DROP TABLE x; --";

export interface Case {
  name: string;
  where: Where<Blog, 'post'>;
  /** Expected titles, in code-point order (the query orders by title ascending). */
  expect: string[];
  needs?: CapabilityName[];
  /** Compare as a set, without orderBy (for filters an ordered index cannot serve on every target). */
  unordered?: boolean;
}

const jan1 = new Date('2024-01-01T00:00:00.000Z');

export const CASES: Case[] = [
  // equals / not
  { name: 'equals (shorthand)', where: { status: 'published' }, expect: [A, G] },
  { name: 'equals (operator)', where: { status: { equals: 'draft' } }, expect: [B, O] },
  { name: 'equals null (shorthand) matches null fields', where: { body: null }, expect: [B] },
  { name: 'equals: null matches null fields', where: { body: { equals: null } }, expect: [B] },
  { name: 'equals on an int', where: { views: 25 }, expect: [G] },
  { name: 'equals on a float', where: { rating: 1.25 }, expect: [O] },
  { name: 'equals on a timestamp', where: { publishedAt: new Date('2024-02-01T12:30:00.123Z') }, expect: [G], unordered: true },
  { name: 'equals a string with SQL metacharacters', where: { title: O }, expect: [O] },
  { name: 'not a value', where: { status: { not: 'draft' } }, expect: [A, D, G] },
  { name: 'not a value matches null fields', where: { rating: { not: 4.5 } }, expect: [B, D, O, G] },
  { name: 'not null', where: { rating: { not: null } }, expect: [A, O, G] },
  { name: 'not an operator object', where: { views: { not: { gt: 5 } } }, expect: [B, D] },
  { name: 'not an operator object matches null fields', where: { rating: { not: { gte: 3 } } }, expect: [B, D, O] },
  // in / notIn
  { name: 'in', where: { status: { in: ['draft', 'archived'] } }, expect: [B, D, O] },
  { name: 'in on numbers', where: { views: { in: [0, 25, 99] } }, expect: [B, G] },
  { name: 'in []', where: { status: { in: [] } }, expect: [] },
  { name: 'notIn', where: { status: { notIn: ['draft'] } }, expect: [A, D, G] },
  { name: 'notIn matches null fields', where: { rating: { notIn: [4.5, 3] } }, expect: [B, D, O] },
  { name: 'notIn []', where: { status: { notIn: [] } }, expect: [A, B, D, O, G] },
  // ranges
  { name: 'lt', where: { views: { lt: 5 } }, expect: [B] },
  { name: 'lte', where: { views: { lte: 5 } }, expect: [B, D] },
  { name: 'gt', where: { views: { gt: 7 } }, expect: [A, G] },
  { name: 'gte + lte', where: { views: { gte: 7, lte: 10 } }, expect: [A, O] },
  { name: 'float range excludes nulls', where: { rating: { lt: 4 } }, expect: [O, G] },
  { name: 'timestamp gte excludes nulls', where: { publishedAt: { gte: jan1 } }, expect: [A, G], unordered: true },
  { name: 'timestamp lt (millisecond precision)', where: { publishedAt: { lt: jan1 } }, expect: [D], unordered: true },
  { name: 'timestamp gt one millisecond before', where: { publishedAt: { gt: new Date('2023-12-31T23:59:59.998Z'), lt: jan1 } }, expect: [D], unordered: true },
  { name: 'string gt orders by code point', where: { title: { gt: B } }, expect: [D, O, G] },
  { name: 'string lt', where: { title: { lt: D } }, expect: [A, B] },
  { name: 'string range on the index sort key', where: { title: { gte: B, lte: O } }, expect: [B, D, O] },
  // text
  { name: 'contains (case-sensitive)', where: { body: { contains: 'ello' } }, expect: [A, G], needs: ['contains'] },
  { name: 'contains is case-sensitive by default', where: { body: { contains: 'Hello' } }, expect: [G], needs: ['contains'] },
  { name: 'contains % is literal', where: { body: { contains: '%' } }, expect: [D], needs: ['contains'] },
  { name: 'contains _ is literal', where: { body: { contains: '_' } }, expect: [D], needs: ['contains'] },
  { name: 'contains a backslash-free wildcard mix', where: { body: { contains: '0% _r' } }, expect: [D], needs: ['contains'] },
  { name: 'contains a quote and a statement terminator', where: { title: { contains: "'; DROP" } }, expect: [O], needs: ['contains'] },
  { name: 'startsWith', where: { title: { startsWith: 'D' } }, expect: [D], needs: ['startsWith'] },
  { name: 'startsWith a quote', where: { title: { startsWith: "O'" } }, expect: [O], needs: ['startsWith'] },
  { name: 'startsWith % is literal', where: { body: { startsWith: '100%' } }, expect: [D], needs: ['startsWith'] },
  { name: 'startsWith _ is literal', where: { body: { startsWith: '_' } }, expect: [], needs: ['startsWith'] },
  { name: 'endsWith', where: { title: { endsWith: 'ta' } }, expect: [B, D], needs: ['endsWith'] },
  { name: 'endsWith _ is literal', where: { body: { endsWith: '_' } }, expect: [D], needs: ['endsWith'] },
  { name: 'contains, mode insensitive', where: { body: { contains: 'HELLO', mode: 'insensitive' } }, expect: [A, G], needs: ['caseInsensitive'] },
  { name: 'equals, mode insensitive', where: { title: { equals: 'alpha', mode: 'insensitive' } }, expect: [A], needs: ['caseInsensitive'] },
  { name: 'startsWith, mode insensitive', where: { title: { startsWith: 'G', mode: 'insensitive' } }, expect: [G], needs: ['caseInsensitive'] },
  { name: 'endsWith, mode insensitive', where: { title: { endsWith: 'RAY', mode: 'insensitive' } }, expect: [G], needs: ['caseInsensitive', 'endsWith'] },
  // null checks
  { name: 'isNull: true', where: { rating: { isNull: true } }, expect: [B, D] },
  { name: 'isNull: false', where: { rating: { isNull: false } }, expect: [A, O, G] },
  // lists
  { name: 'has', where: { tags: { has: 'ts' } }, expect: [A, O, G] },
  { name: 'has a missing element', where: { tags: { has: 'nope' } }, expect: [] },
  { name: 'has a SQL-looking element', where: { tags: { has: "'; --" } }, expect: [] },
  { name: 'list equals (shorthand)', where: { tags: ['db'] }, expect: [D] },
  { name: 'list equals empty', where: { tags: [] }, expect: [B] },
  { name: 'list equals is order-sensitive', where: { tags: { equals: ['ts', 'db'] } }, expect: [] },
  { name: 'list equals (operator)', where: { tags: { equals: ['db', 'ts'] } }, expect: [A] },
  // combinators
  { name: 'AND (array)', where: { AND: [{ views: { gt: 0 } }, { status: 'draft' }] }, expect: [O] },
  { name: 'AND (object)', where: { AND: { status: 'draft' } }, expect: [B, O] },
  { name: 'OR', where: { OR: [{ status: 'archived' }, { tags: { has: 'sql' } }] }, expect: [D, O] },
  { name: 'OR []', where: { OR: [] }, expect: [] },
  { name: 'NOT (object)', where: { NOT: { status: 'draft' } }, expect: [A, D, G] },
  { name: 'NOT of a comparison matches null fields', where: { NOT: { rating: { gt: 2 } } }, expect: [B, D, O] },
  { name: 'NOT (array) negates each item', where: { NOT: [{ status: 'draft' }, { views: { gt: 20 } }] }, expect: [A, D] },
  { name: 'NOT isNull', where: { NOT: { body: null } }, expect: [A, D, O, G] },
  { name: 'NOT of not-equals is equality (nulls excluded)', where: { NOT: { rating: { not: 4.5 } } }, expect: [A] },
  { name: 'NOT of notIn is in (nulls excluded)', where: { NOT: { rating: { notIn: [4.5, 3] } } }, expect: [A, G] },
  {
    name: 'NOT of an OR over nullable fields',
    where: { NOT: { OR: [{ rating: { gt: 4 } }, { body: { contains: 'x' } }] } },
    expect: [B, D, G],
    needs: ['contains'],
  },
  { name: 'double NOT', where: { NOT: { NOT: { rating: { gt: 2 } } } }, expect: [A, G] },
  {
    name: 'nested OR / AND / NOT',
    where: { OR: [{ AND: [{ status: 'published' }, { views: { lt: 20 } }] }, { NOT: { body: { not: null } } }] },
    expect: [A, B],
  },
  { name: 'several operators on one field', where: { views: { gt: 0, not: 7, lt: 20 } }, expect: [A, D] },
  { name: 'fields and combinators together', where: { status: { not: 'archived' }, OR: [{ tags: { has: 'db' } }, { rating: null }] }, expect: [A, B, O] },
];
