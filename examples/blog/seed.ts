import type { Client } from 'quern';
import type { schema } from './schema.js';

export type BlogDb = Client<typeof schema>;

const people = [
  { email: 'ann@example.io', name: 'Ann', age: 34 },
  { email: 'bo@example.io', name: 'Bo', age: null },
  { email: 'cy@example.io', name: 'Cy', age: 27 },
];

/** Deterministic seed data: three authors, a dozen posts, a few comments. */
export async function seed(db: BlogDb) {
  const users = [];
  for (const p of people) users.push(await db.user.create({ data: p }));
  const [ann, bo, cy] = users;
  await db.profile.create({ data: { userId: ann.id, bio: 'Writes about query planners.', website: 'https://ann.example.io' } });
  const day = (n: number) => new Date(Date.UTC(2026, 9, n, 12));
  const posts = [];
  const titles = ['Why quern plans first', 'Keyset pagination', 'GSIs in practice', 'Full table scans are a smell', 'Counting honestly', 'Unique constraints on DynamoDB'];
  for (const [i, title] of titles.entries()) {
    posts.push(await db.post.create({
      data: { authorId: i % 2 === 0 ? ann.id : bo.id, title, status: i < 4 ? 'published' : 'draft', tags: i % 3 === 0 ? ['quern', 'design'] : ['databases'], publishedAt: i < 4 ? day(i + 1) : null },
    }));
  }
  await db.batch([
    db.comment.create({ data: { postId: posts[0].id, authorId: cy.id, body: 'Great read!' } }),
    db.comment.create({ data: { postId: posts[0].id, authorId: bo.id, body: 'What about DynamoDB?' } }),
    db.comment.create({ data: { postId: posts[1].id, authorId: ann.id, body: 'Cursors FTW.' } }),
  ]);
  return { ann, bo, cy, posts };
}
