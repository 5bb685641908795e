/**
 * The social app's operations, written once for every target. Each comment says what it costs on
 * DynamoDB; the tests (test/examples/social.test.ts) count the requests through the `log` hook.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from 'quern';
import type { SocialSchema } from './schema.js';

export type SocialDb = Client<SocialSchema>;

export const social = {
  /** One PutItem-in-a-transaction (the user and its username entry). */
  signUp: (db: SocialDb, username: string) => db.user.create({ data: { username } }),

  follow: (db: SocialDb, followerId: string, followeeId: string) => db.follow.create({ data: { followerId, followeeId } }),

  /** The users someone follows: one Query of the Follow table's partition. */
  following: (db: SocialDb, followerId: string) => db.follow.findMany({ where: { followerId } }),

  /** The article and its tag links in one atomic unit (one transaction, one TransactWriteItems). */
  publish: async (db: SocialDb, authorId: string, title: string, tagIds: readonly string[], at = new Date()) => {
    const id = randomUUID();
    await db.batch([
      db.article.create({ data: { id, authorId, title, body: `${title}…`, createdAt: at } }),
      ...tagIds.map((tagId) => db.articleTag.create({ data: { articleId: id, tagId } })),
    ]);
    return id;
  },

  /** The favorite and Article.favoritesCount + 1 in one TransactWriteItems. */
  favorite: (db: SocialDb, userId: string, articleId: string) => db.favorite.create({ data: { articleId, userId } }),
  unfavorite: (db: SocialDb, userId: string, articleId: string) => db.favorite.delete({ where: { articleId, userId } }),

  comment: (db: SocialDb, writerId: string, articleId: string, body: string) => db.comment.create({ data: { writerId, articleId, body } }),

  /** The global feed, newest first, by pages: one Query per shard (4), merged by createdAt. */
  globalFeed: (db: SocialDb, first: number, after?: string) => db.article.paginate({ orderBy: { createdAt: 'desc' }, first, ...(after ? { after } : {}) }),

  /** An author's articles, newest first: one Query of the (authorId, createdAt) GSI. */
  byAuthor: (db: SocialDb, authorId: string, limit: number) => db.article.findMany({ where: { authorId }, orderBy: { createdAt: 'desc' }, limit }),

  /** The article page: the article with all its comments is ONE Query (a colocated collection). */
  articlePage: (db: SocialDb, id: string) => db.article.findUnique({ where: { id }, include: { comments: true } }),

  /**
   * Authors with their articles: articles are not colocated, so on DynamoDB this is one Query per
   * author, a `fanout` that explain flags and a strict client refuses.
   */
  authorsWithArticles: (db: SocialDb, ids: readonly string[]) => db.user.findMany({ where: { id: { in: [...ids] } }, include: { articles: true } }),
};
