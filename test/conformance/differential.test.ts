// Differential test: the same deterministic blog, the same query list, on every
// available target; results must be identical — in order when the query orders,
// as multisets otherwise. A query DynamoDB cannot run must be refused there with
// its documented code (and run on PostgreSQL). Writes are part of the list, so
// the targets must also evolve identically.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CapabilityError, createClient, dynamodbCapabilities, type DiagnosticCode, type Driver, type Page, type Row } from 'quern';
import { availableBackends, freshPgDatabase, freshTablePrefix, testServers, type BackendName } from '../harness/index.js';
import { CASES } from './cases.js';
import { blog, type Blog } from './schema.js';
import { NEEDS, openDriver, type Db } from './targets.js';

// ---- deterministic seed ------------------------------------------------------
function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const uuid = (kind: number, i: number) => `0190${kind.toString(16).padStart(4, '0')}-0000-7000-8000-${i.toString(16).padStart(12, '0')}`;
const T0 = Date.UTC(2024, 0, 1);

function buildSeed() {
  const rnd = mulberry32(20240601);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const maybe = <T>(p: number, v: () => T): T | null => (rnd() < p ? v() : null);
  const words = ['Alpha', 'alpha', 'Beta', 'gamma', 'Delta', "O'Brien", '100%', 'snake_case', 'Émile', 'zeta', 'Zeta', 'x'];
  const tagPool = ['db', 'ts', 'sql', 'kv', "'; --", 'Db'];
  const teams = ['red', 'blue'];
  const users = Array.from({ length: 6 }, (_, i) => ({
    id: uuid(1, i + 1),
    email: `user${i}@example.com`,
    name: `${pick(['Ann', 'bob', 'Cy', 'dee', 'Éve'])}-${i}`,
    team: teams[i % 2],
    age: maybe(0.7, () => 18 + Math.floor(rnd() * 50)),
    role: pick(['admin', 'member', 'guest'] as const),
    createdAt: new Date(T0 + i * 1000),
    updatedAt: new Date(T0 + i * 1000),
  }));
  const posts = Array.from({ length: 48 }, (_, i) => ({
    id: uuid(2, i + 1),
    authorId: users[i % 4].id,
    title: `${pick(words)} ${pick(words)} #${String(i).padStart(2, '0')}`,
    body: maybe(0.75, () => `${pick(words)} ${pick(['hello', 'Hello', 'HELLO', 'he_lo', '50% off'])} ${pick(words)}`),
    status: pick(['draft', 'published', 'archived'] as const),
    tags: Array.from({ length: Math.floor(rnd() * 4) }, () => pick(tagPool)),
    views: Math.floor(rnd() * 40) - 5,
    rating: maybe(0.6, () => Math.round(rnd() * 500) / 100),
    publishedAt: maybe(0.6, () => new Date(T0 + Math.floor(rnd() * 90 * 86400_000) + Math.floor(rnd() * 1000))),
    createdAt: new Date(T0 + 10_000 + i * 1000),
    updatedAt: new Date(T0 + 10_000 + i * 1000),
  }));
  const comments = Array.from({ length: 60 }, (_, i) => ({
    id: uuid(3, i + 1),
    postId: posts[Math.floor(rnd() * 12)].id,
    authorId: pick(users).id,
    body: `${pick(['nice', 'Nice', 'meh', '100%'])} ${i}`,
    createdAt: new Date(T0 + 100_000 + i * 1000),
  }));
  const balances = ['007.50', '10.50', '-0.0', '12345678901234567890.000000000001', '3'];
  const profiles = users.slice(0, 5).map((u, i) => ({
    id: uuid(4, i + 1),
    userId: u.id,
    bio: maybe(0.7, () => `bio of ${u.name}`),
    birthday: maybe(0.8, () => `19${50 + Math.floor(rnd() * 49)}-0${1 + Math.floor(rnd() * 9)}-1${Math.floor(rnd() * 9)}`),
    balance: balances[i],
    karma: BigInt(Math.floor(rnd() * 1000) - 500) * 10_000_000_000n,
    verified: rnd() < 0.5,
    prefs: i % 3 === 0 ? null : { theme: pick(['dark', 'light']), sizes: [i, i * 2], nested: { ok: rnd() < 0.5 } },
    scores: Array.from({ length: i }, () => Math.floor(rnd() * 10)),
  }));
  const memberships = users.flatMap((u, i) =>
    (['org-a', 'org-b'] as const).slice(0, 1 + (i % 2)).map((orgId, j) => ({
      orgId,
      userId: u.id,
      role: (['owner', 'admin', 'member'] as const)[(i + j) % 3],
      joinedAt: new Date(T0 + i * 7000 + j),
    })),
  );
  return { users, posts, comments, profiles, memberships };
}

const SEED = buildSeed();
const [U0, U1, U2, U3] = SEED.users;

// ---- the query list ----------------------------------------------------------
interface Step {
  name: string;
  run: (db: Db) => PromiseLike<unknown>;
  /** Compare in order (the query orders); otherwise rows are compared as a multiset. */
  ordered: boolean;
  /** The code DynamoDB must refuse this with; PostgreSQL must run it. */
  kvRejects?: DiagnosticCode;
  /** Runs on a non-strict client: a declared warning (a hasMany include's fanout on DynamoDB) lets it run. */
  lax?: boolean;
}

const steps: Step[] = [];
const read = (name: string, run: Step['run'], ordered = true, kvRejects?: DiagnosticCode) => steps.push({ name, run, ordered, kvRejects });
/** The same query refused under strict on DynamoDB (kvRejects) and compared on the lax client. */
const readFanout = (name: string, run: Step['run']) => {
  read(`${name} (strict)`, run, true, 'fanout');
  steps.push({ name, run, ordered: true, lax: true });
};

for (const author of [U0, U1, U2]) {
  for (const c of CASES) {
    // The static capability table says what DynamoDB must refuse, and with which code.
    const refused = (c.needs ?? []).map((n) => NEEDS[n]).find((n) => !n.has(dynamodbCapabilities));
    read(
      `post where ${c.name} (author ${author.name})`,
      (db) => db.post.findMany({ where: { ...c.where, authorId: author.id }, ...(c.unordered ? {} : { orderBy: { title: 'asc' } }) }),
      !c.unordered,
      refused?.code,
    );
  }
}
const profileIds = SEED.profiles.map((p) => p.id);
read('profiles: every scalar type as stored', (db) => db.profile.findMany({ where: { id: { in: profileIds } } }), false);
read('profiles: decimal equality', (db) => db.profile.findMany({ where: { id: { in: profileIds }, balance: { in: ['7.5', '10.5', '0', '3.00'] } } }), false);
read(
  'profiles: bigint, boolean, date and list filters',
  (db) =>
    db.profile.findMany({
      where: { id: { in: profileIds }, OR: [{ karma: { gt: 0n } }, { verified: true }, { birthday: { lt: '1970-01-01' } }, { scores: { has: 3 } }] },
    }),
  false,
);
read('profiles: json equality', (db) => db.profile.findMany({ where: { id: { in: profileIds }, prefs: { equals: SEED.profiles[1].prefs } } }), false);
read('profiles: decimal range', (db) => db.profile.findMany({ where: { id: { in: profileIds }, balance: { gt: '5' } } }), false, 'operator-unsupported');
readFanout('users of a team ordered by name, with posts and profile', (db) =>
  db.user.findMany({ where: { team: 'red' }, orderBy: { name: 'asc' }, include: { posts: { orderBy: { title: 'asc' } }, profile: true } }),
);
read('users of a team, desc, limit 2', (db) => db.user.findMany({ where: { team: 'blue' }, orderBy: { name: 'desc' }, limit: 2 }));
read('user by email with memberships and comments', (db) =>
  db.user.findUnique({ where: { email: U1.email }, include: { memberships: { orderBy: { orgId: 'asc' } }, comments: { orderBy: { createdAt: 'asc' } } } }),
);
read('post by id with author and ordered comments with their authors', (db) =>
  db.post.findUniqueOrThrow({
    where: { id: SEED.posts[3].id },
    include: { author: true, comments: { orderBy: { createdAt: 'asc' }, include: { author: { select: { name: true } } } } },
  }),
);
read('comments of a post, newest first, with post → author', (db) =>
  db.comment.findMany({ where: { postId: SEED.posts[1].id }, orderBy: { createdAt: 'desc' }, include: { post: { include: { author: true } } } }),
);
read('posts on the sparse publishedAt index, ordered by it', (db) =>
  db.post.findMany({ where: { authorId: U0.id, publishedAt: { gte: new Date(T0 + 20 * 86400_000) } }, orderBy: { publishedAt: 'desc' } }),
);
read('posts with select', (db) =>
  db.post.findMany({ where: { authorId: U3.id }, orderBy: { title: 'desc' }, select: { title: true, tags: true, rating: true } }),
);
read('posts by key list', (db) => db.post.findMany({ where: { id: { in: SEED.posts.slice(5, 15).map((p) => p.id) }, status: { not: 'draft' } } }), false);
read('memberships of an org ordered by user', (db) =>
  db.membership.findMany({ where: { orgId: 'org-a' }, orderBy: { userId: 'desc' }, include: { user: { select: { email: true } } } }),
);
read('membership by composite unique', (db) =>
  db.membership.findUnique({ where: { userId: U1.id, role: SEED.memberships.find((m) => m.userId === U1.id)!.role } }),
);
read('counts per author', (db) => Promise.all([U0, U1, U2, U3].map((u) => db.post.count({ where: { authorId: u.id, views: { gte: 10 } } }))));
read('findFirst by title desc', (db) => db.post.findFirst({ where: { authorId: U2.id, status: 'published' }, orderBy: { title: 'desc' } }));
read('paginate forward to the end', async (db) => {
  const pages: unknown[] = [];
  let after: string | null = null;
  do {
    const page: Page<Row<Blog, 'post'>> = await db.post.paginate({ where: { authorId: U1.id, views: { gt: 3 } }, orderBy: { title: 'asc' }, first: 3, after });
    pages.push(page.items.map((p) => p.title));
    after = page.nextCursor;
  } while (after && pages.length < 30);
  return pages;
});
read('paginate backward from the end', async (db) => {
  const pages: unknown[] = [];
  let before: string | null = null;
  do {
    const page: Page<Row<Blog, 'post'>> = await db.post.paginate({ where: { authorId: U0.id }, orderBy: { title: 'desc' }, last: 4, before });
    pages.push(page.items.map((p) => p.title));
    before = page.prevCursor;
  } while (before && pages.length < 30);
  return pages;
});
read(
  'relation filter some',
  (db) => db.user.findMany({ where: { team: 'red', posts: { some: { status: 'published', views: { gt: 10 } } } }, orderBy: { name: 'asc' } }),
  true,
  'relation-filter-unsupported',
);
read(
  'relation filter every / none',
  (db) => db.user.findMany({ where: { team: 'blue', posts: { every: { rating: { not: null } } }, comments: { none: {} } } }),
  false,
  'relation-filter-unsupported',
);
read(
  'order by a non-index field',
  (db) => db.post.findMany({ where: { authorId: U0.id }, orderBy: [{ views: 'desc' }, { title: 'asc' }] }),
  true,
  'order-unsupported',
);
read('unkeyed filter', (db) => db.post.findMany({ where: { views: { gt: 30 } } }), false, 'scan-required');
read('unkeyed filter with allowScan', (db) => db.post.findMany({ where: { views: { gt: 30 } }, allowScan: true }), false);
read('count without a partition', (db) => db.post.count({ where: { status: 'draft' } }), false, 'count-requires-scan');
read('offset', (db) => db.post.findMany({ where: { authorId: U1.id }, orderBy: { title: 'asc' }, offset: 2, limit: 3 }), true, 'offset-emulated');
// Writes: every target must end in the same state.
read('updateMany, then read back', async (db) => {
  const r = await db.post.updateMany({
    where: { authorId: U2.id, status: 'draft' },
    data: { status: 'archived', views: { increment: 100 }, tags: { push: 'moved' }, updatedAt: new Date(T0) },
  });
  return [r, await db.post.findMany({ where: { authorId: U2.id }, orderBy: { title: 'asc' } })];
});
read('upsert both branches', async (db) => {
  const data = { id: uuid(9, 1), email: 'new@example.com', name: 'New', team: 'red', createdAt: new Date(T0), updatedAt: new Date(T0) };
  const a = await db.user.upsert({ where: { email: data.email }, create: data, update: { age: 1, updatedAt: new Date(T0) } });
  const b = await db.user.upsert({ where: { email: data.email }, create: data, update: { age: 2, updatedAt: new Date(T0) } });
  return [a, b];
});
read('deleteMany, then count', async (db) => {
  const r = await db.comment.deleteMany({ where: { postId: SEED.posts[1].id, body: { startsWith: 'Nice' } } });
  return [r, await db.comment.findMany({ where: { postId: SEED.posts[1].id }, orderBy: { createdAt: 'asc' } })];
});
read('update with a version check', async (db) => {
  const p = SEED.posts[7];
  const a = await db.post.update({ where: { id: p.id, version: 1 }, data: { title: 'renamed', updatedAt: new Date(T0) } });
  const b = await db.post.update({ where: { id: p.id, version: 1 }, data: { title: 'stale', updatedAt: new Date(T0) } }).then(
    () => 'no error',
    (e: unknown) => (e as Error).name,
  );
  return [a, b];
});

// ---- comparison --------------------------------------------------------------
function canonical(v: unknown): unknown {
  if (v instanceof Date) return { $date: v.toISOString() };
  if (typeof v === 'bigint') return { $bigint: v.toString() };
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
    );
  return v;
}
/** Multiset view: the top-level array sorted by each element's canonical JSON. */
function unordered(v: unknown): unknown {
  const c = canonical(v);
  return Array.isArray(c) ? [...c].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)) : c;
}

type Outcome = { ok: true; value: unknown } | { ok: false; code: string; error: unknown };

async function openClient(name: BackendName): Promise<{ db: Db; lax: Db; close: () => Promise<void> }> {
  const { driver, cleanup } = await openDriver(name);
  const db = await createClient({ schema: blog, driver, strict: true });
  const lax = await createClient({ schema: blog, driver, strict: false, onWarning: () => undefined });
  await db.push();
  await db.user.createMany({ data: SEED.users });
  await db.profile.createMany({ data: SEED.profiles });
  for (let i = 0; i < SEED.posts.length; i += 24) await db.post.createMany({ data: SEED.posts.slice(i, i + 24) });
  for (let i = 0; i < SEED.comments.length; i += 30) await db.comment.createMany({ data: SEED.comments.slice(i, i + 30) });
  await db.membership.createMany({ data: SEED.memberships });
  return {
    db,
    lax,
    close: async () => {
      try {
        await db.close();
      } finally {
        await cleanup();
      }
    },
  };
}

// MySQL/MariaDB is not compared yet: its DECIMAL(65,30) columns give back '10.5' where PostgreSQL
// keeps the scale written ('10.50'); every one of its 7 mismatches is that (issue 14). Its smoke and
// migration tests run; this comparison waits for the fix rather than hiding the difference.
const backends = availableBackends().filter((name) => name !== 'mysql');
const sqlRef: BackendName = 'pglite';
if (backends.length < 2) console.warn('[differential] SKIPPING: only pglite is available, there is nothing to compare it with');

describe.skipIf(backends.length < 2)('differential: same blog, same queries, same results', () => {
  const results = new Map<BackendName, Outcome[]>();
  const clients: { close: () => Promise<void> }[] = [];

  beforeAll(async () => {
    if (!backends.includes('dynamodb')) console.warn('[differential] DynamoDB is unavailable: comparing the SQL targets only');
    await Promise.all(
      backends.map(async (name) => {
        const c = await openClient(name);
        clients.push(c);
        const out: Outcome[] = [];
        for (const s of steps) {
          try {
            out.push({ ok: true, value: await s.run(s.lax ? c.lax : c.db) });
          } catch (e) {
            out.push({ ok: false, code: e instanceof CapabilityError ? e.code : ((e as Error)?.name ?? 'unknown'), error: e });
          }
        }
        results.set(name, out);
      }),
    );
  }, 300_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
  });

  it('runs a query list large enough to mean something', () => {
    expect(steps.length).toBeGreaterThan(150);
  });

  for (const [i, s] of steps.entries()) {
    it(s.name, () => {
      const ref = results.get(sqlRef)!;
      expect(ref[i].ok, `${sqlRef}: ${ref[i].ok ? '' : String((ref[i] as { error: unknown }).error)}`).toBe(true);
      const want = (ref[i] as { value: unknown }).value;
      for (const name of backends) {
        if (name === sqlRef) continue;
        const got = results.get(name)![i];
        if (name === 'dynamodb' && s.kvRejects) {
          expect(got.ok ? 'ran' : got.code, `${name} must refuse with ${s.kvRejects}`).toBe(s.kvRejects);
          const err = (got as { error: CapabilityError }).error;
          expect(err.fix ?? '').toMatch(/\S{3}/);
          continue;
        }
        expect(got.ok, `${name}: ${got.ok ? '' : String((got as { error: unknown }).error)}`).toBe(true);
        const value = (got as { value: unknown }).value;
        if (s.ordered) expect(canonical(value), `${name} vs ${sqlRef}`).toEqual(canonical(want));
        else expect(unordered(value), `${name} vs ${sqlRef}`).toEqual(unordered(want));
      }
    });
  }
});
