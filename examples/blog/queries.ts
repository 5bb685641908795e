/**
 * The blog's queries. `npm run demo` runs them and prints each one's plan for
 * PostgreSQL and DynamoDB; `quern lint` checks them without running anything.
 */
import type { BlogDb } from './seed.js';

export const queries = {
  userByEmail: (db: BlogDb, email: string) => db.user.findUnique({ where: { email } }),

  userWithPostsAndProfile: (db: BlogDb, id: string) =>
    db.user.findUnique({ where: { id }, include: { posts: { orderBy: { createdAt: 'desc' }, limit: 3 }, profile: true } }),

  publishedSince: (db: BlogDb, authorId: string, since: Date) =>
    db.post.findMany({
      where: { authorId, publishedAt: { gte: since }, status: 'published' },
      orderBy: { publishedAt: 'desc' },
      limit: 20,
      include: { author: { select: { name: true } } },
    }),

  authorFeedPage: (db: BlogDb, authorId: string, after?: string) =>
    db.post.paginate({ where: { authorId }, orderBy: { createdAt: 'desc' }, first: 2, after, select: { id: true, title: true } }),

  postsByAuthor: (db: BlogDb, authorId: string) => db.post.count({ where: { authorId } }),

  commentsOnPost: (db: BlogDb, postId: string) =>
    db.comment.findMany({ where: { postId }, orderBy: { createdAt: 'asc' }, include: { author: { select: { name: true } } } }),

  // DynamoDB cannot serve these well; PostgreSQL can. The demo shows the diagnostics.
  searchTitles: (db: BlogDb, word: string) => db.post.findMany({ where: { title: { contains: word } } }),

  authorsWithPublishedPosts: (db: BlogDb) =>
    db.user.findMany({ where: { posts: { some: { status: 'published' } } }, orderBy: { name: 'asc' } }),

  publishPost: (db: BlogDb, id: string, version: number) =>
    db.post.update({ where: { id, version }, data: { status: 'published', publishedAt: new Date(), tags: { push: 'featured' } } }),
};
