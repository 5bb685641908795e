/**
 * Small seeds shared by the conformance files. Every seed is scoped by a fresh
 * tag so scenarios sharing one database per file cannot see each other's rows.
 */
import type { CreateInput, Row } from 'quern';
import type { Blog } from './schema.js';
import type { Target } from './targets.js';

export type UserRow = Row<Blog, 'user'>;
export type PostRow = Row<Blog, 'post'>;

export async function createUser(t: Target, extra: Partial<CreateInput<Blog, 'user'>> = {}): Promise<UserRow> {
  const tag = t.tag('u');
  return t.db.user.create({ data: { email: `${tag}@example.com`, name: `User ${tag}`, team: extra.team ?? t.tag('team'), ...extra } });
}

/**
 * Five posts whose fields cover every operator's edge: nulls, empty lists,
 * mixed case, LIKE wildcards and SQL metacharacters. Titles are distinct and
 * order by code point as: Alpha, Beta, Delta, O'Hara…, gamma ray.
 */
export const FILTER_POSTS = [
  { title: 'Alpha', body: 'hello world', status: 'published', tags: ['db', 'ts'], views: 10, rating: 4.5, publishedAt: new Date('2024-01-01T00:00:00.000Z') },
  { title: 'Beta', body: null, status: 'draft', tags: [], views: 0, rating: null, publishedAt: null },
  { title: 'gamma ray', body: 'Hello again', status: 'published', tags: ['ts'], views: 25, rating: 3, publishedAt: new Date('2024-02-01T12:30:00.123Z') },
  { title: 'Delta', body: '100% _real_', status: 'archived', tags: ['db'], views: 5, rating: null, publishedAt: new Date('2023-12-31T23:59:59.999Z') },
  { title: "O'Hara'; DROP TABLE x; --", body: 'x', status: 'draft', tags: ['sql', 'ts', 'db'], views: 7, rating: 1.25, publishedAt: null },
] as const satisfies readonly Omit<CreateInput<Blog, 'post'>, 'authorId'>[];

export const ALL_FILTER_TITLES = FILTER_POSTS.map((p) => p.title);

/** An author with the five FILTER_POSTS. */
export async function seedFilterPosts(t: Target): Promise<{ author: UserRow; posts: PostRow[] }> {
  const author = await createUser(t);
  const r = await t.db.post.createMany({ data: FILTER_POSTS.map((p) => ({ ...p, tags: [...p.tags], authorId: author.id })) });
  if (r.count !== FILTER_POSTS.length) throw new Error(`createMany reported ${r.count} rows, expected ${FILTER_POSTS.length}`);
  const posts = await t.db.post.findMany({ where: { authorId: author.id }, orderBy: { title: 'asc' } });
  return { author, posts };
}

/** A small blog: two authors with posts, comments and a profile; scoped by team. */
export async function seedBlog(t: Target) {
  const team = t.tag('team');
  const ann = await createUser(t, { team, name: 'Ann', age: 31 });
  const bob = await createUser(t, { team, name: 'Bob', age: null });
  const cy = await createUser(t, { team, name: 'Cy', age: 25 });
  const profile = await t.db.profile.create({ data: { userId: ann.id, bio: 'writes about databases' } });
  await t.db.post.createMany({
    data: [
      { authorId: ann.id, title: 'a1', status: 'published', views: 3, publishedAt: new Date('2024-03-01T00:00:00Z') },
      { authorId: ann.id, title: 'a2', status: 'draft', views: 1 },
      { authorId: ann.id, title: 'a3', status: 'published', views: 9, publishedAt: new Date('2024-03-05T00:00:00Z') },
      { authorId: bob.id, title: 'b1', status: 'draft', views: 0 },
    ],
  });
  const posts = await t.db.post.findMany({ where: { authorId: ann.id }, orderBy: { title: 'asc' } });
  const [bobPost] = await t.db.post.findMany({ where: { authorId: bob.id } });
  const at = (s: number) => new Date(Date.UTC(2024, 3, 1, 0, 0, s));
  await t.db.comment.createMany({
    data: [
      { postId: posts[0].id, authorId: bob.id, body: 'nice', createdAt: at(1) },
      { postId: posts[0].id, authorId: cy.id, body: 'agreed', createdAt: at(2) },
      { postId: posts[0].id, authorId: ann.id, body: 'thanks', createdAt: at(3) },
      { postId: posts[2].id, authorId: bob.id, body: 'hmm', createdAt: at(4) },
      { postId: bobPost.id, authorId: ann.id, body: 'first!', createdAt: at(5) },
    ],
  });
  return { team, ann, bob, cy, profile, posts, bobPost };
}
