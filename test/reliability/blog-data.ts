/**
 * A small, seeded blog dataset for the differential suites. Deliberately
 * awkward values: ties (names, ages, titles), nulls, case variants, LIKE and
 * quote metacharacters, non-ASCII and astral characters (whose UTF-16 order
 * differs from code-point order), empty lists. Timestamps that an index sorts
 * by (createdAt, publishedAt) are distinct, so every order DynamoDB can serve
 * is a total order and results compare exactly.
 */
import { rng, uuidOf } from './random.js';
import { on, type Opened } from './targets.js';

export const T0 = Date.UTC(2024, 0, 1);

export const WORDS = ['Alpha', 'alpha', 'ALPHA', 'beta', 'Beta', "O'Brien", '100%', 'a_b', 'back\\slash', 'Émile', 'ｚ', '😀', 'zeta', '"q"', ''];
export const TAGS = ['db', 'ts', 'sql', 'kv', 'Db', "'; --", '%', '😀'];
export const NAMES = ['Ann', 'ann', 'Bob', 'Cy', 'Émile', 'Zoë', '😀 Smile'];

export interface BlogData extends Record<string, Record<string, unknown>[]> {
  user: Record<string, unknown>[];
  profile: Record<string, unknown>[];
  post: Record<string, unknown>[];
  comment: Record<string, unknown>[];
}

export function blogData(seed: number, sizes = { users: 10, posts: 48, comments: 80 }): BlogData {
  const r = rng(seed);
  const users = Array.from({ length: sizes.users }, (_, i) => ({
    id: uuidOf(1, i + 1),
    email: `${r.pick(['user', 'User', 'ü', 'a+b'])}${i}@${r.pick(['x.io', 'X.io', 'ex.com'])}`,
    name: r.pick(NAMES),
    age: r.chance(0.25) ? null : r.int(17, 24),
    createdAt: new Date(T0 + i * 1000),
    updatedAt: new Date(T0 + i * 1000 + 7),
  }));
  const profiles = users
    .filter((_, i) => i % 3 !== 2)
    .map((u) => ({
      userId: u.id,
      bio: `${r.pick(WORDS)} ${r.pick(WORDS)}`,
      website: r.chance(0.4) ? null : `https://${r.pick(['a', 'b', 'c'])}.example/${r.pick(WORDS)}`,
    }));
  // Authors are the first 7 users, so some users have no posts (hasMany includes of nothing).
  const posts = Array.from({ length: sizes.posts }, (_, i) => ({
    id: uuidOf(2, i + 1),
    authorId: users[r.int(0, Math.min(6, users.length - 1))].id,
    title: `${r.pick(WORDS)} ${r.pick(WORDS)}`.trim(),
    status: r.pick(['draft', 'published'] as const),
    tags: r.some(TAGS, 3),
    // Distinct when set (minute steps plus i ms), null for about a third.
    publishedAt: r.chance(0.35) ? null : new Date(T0 + 86_400_000 + r.int(0, 500) * 60_000 + i),
    createdAt: new Date(T0 + 10_000_000 + i * 1000),
    version: r.int(1, 3),
  }));
  const comments = Array.from({ length: sizes.comments }, (_, i) => ({
    id: uuidOf(3, i + 1),
    postId: posts[r.int(0, Math.min(posts.length - 1, 15))].id,
    authorId: r.pick(users).id,
    body: `${r.pick(WORDS)} ${r.int(0, 9)}`,
    createdAt: new Date(T0 + 20_000_000 + i * 1000),
  }));
  return { user: users, profile: profiles, post: posts, comment: comments };
}

/** The blog dataset plus tags and post↔tag links, for the differential schema (blog-schema.ts). */
export interface TaggedBlogData extends BlogData {
  tag: Record<string, unknown>[];
  postTag: Record<string, unknown>[];
}

export const TAG_NAMES = ['db', 'Db', 'ts', 'sql', "'; --", '%', '😀', 'Émile', 'kv', 'a_b'];

/**
 * Tags (some linked to nothing) and 0–3 distinct tags per post for most posts (some posts have
 * none: an m2m include of nothing). Its own random stream, so the blog rows stay as blogData makes them.
 */
export function taggedBlogData(seed: number, sizes?: Parameters<typeof blogData>[1]): TaggedBlogData {
  const base = blogData(seed, sizes);
  const r = rng(seed + 1);
  const tags = TAG_NAMES.map((name, i) => ({
    id: uuidOf(4, i + 1),
    name,
    kind: r.pick(['topic', 'format'] as const),
    createdAt: new Date(T0 + 30_000_000 + i * 1000),
  }));
  // The last two tags stay unlinked; the posts past the first 40 have no tags.
  const linkable = tags.slice(0, -2);
  const postTag: Record<string, unknown>[] = [];
  base.post.slice(0, 40).forEach((p, i) => {
    const ids = new Set(r.some(linkable, 3).map((x) => x.id));
    for (const tagId of ids) postTag.push({ postId: p.id, tagId, addedAt: new Date(T0 + 40_000_000 + i * 1000 + postTag.length) });
  });
  return { ...base, tag: tags, postTag };
}

/** Field names per model of the blog schema, by what the generator may do with them. */
export const MODELS = ['user', 'profile', 'post', 'comment'] as const;
export type ModelName = (typeof MODELS)[number];

/** Writes the dataset through the client (createMany per model, parents first: the order of `data`'s keys). */
export async function seedData(t: Opened, data: BlogData): Promise<void> {
  // Seeding need not be atomic: large datasets are split into several transactions on DynamoDB.
  for (const [m, rows] of Object.entries(data)) await on(t.db, m).createMany({ data: rows, atomic: false });
}
