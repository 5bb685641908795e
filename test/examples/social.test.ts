/**
 * The social example (examples/social) on pglite, postgres and DynamoDB Local: the same results
 * everywhere, and on DynamoDB the minimal number of requests, counted through the `log` hook:
 * an article with its 30 colocated comments is 1 request, a page of the sharded global feed is 4
 * (one per shard), a favorite is one transaction that also moves the counter, and an include over
 * several authors (not colocated) is flagged `fanout` by explain and refused by a strict client.
 */
import { expect } from 'vitest';
import { CapabilityError } from 'quern';
import { schema } from '../../examples/social/schema.js';
import { social } from '../../examples/social/app.js';
import { conformance, recordOps, rejection, type Target } from '../conformance/targets.js';

type T = Target<typeof schema>;
const kv = (t: T) => t.caps.family === 'kv';

async function users(t: T, n: number) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(await social.signUp(t.db, t.tag(`user${i}-`)));
  return out;
}

conformance(
  'example: social app',
  ({ scenario }) => {
    scenario('the article page: the article with its 30 comments is ONE request on DynamoDB', {}, async (t) => {
      const [author, reader] = await users(t, 2);
      const id = await social.publish(t.db, author.id, 'thirty comments', []);
      for (let i = 0; i < 30; i++) await social.comment(t.db, reader.id, id, `comment ${i}`);
      const { result, ops } = await recordOps(t, () => social.articlePage(t.db, id));
      expect(result?.comments.map((c) => c.body).sort()).toEqual(Array.from({ length: 30 }, (_, i) => `comment ${i}`).sort());
      expect(ops).toEqual([kv(t) ? 'Query' : 'sql']);
    });

    scenario('the global feed: newest first over every article, a page is one Query per shard (4)', {}, async (t) => {
      const [author] = await users(t, 1);
      // Far in the future, so these are the newest articles of the file whatever else it wrote.
      const ids = [];
      for (let i = 0; i < 7; i++) ids.push(await social.publish(t.db, author.id, `feed ${i}`, [], new Date(Date.UTC(2100, 0, 1, 0, i))));
      const first = await recordOps(t, () => social.globalFeed(t.db, 3));
      expect(first.result.items.map((a) => a.title)).toEqual(['feed 6', 'feed 5', 'feed 4']);
      expect(first.ops).toEqual(kv(t) ? ['Query', 'Query', 'Query', 'Query'] : ['sql']);
      const next = await recordOps(t, () => social.globalFeed(t.db, 3, first.result.nextCursor!));
      expect(next.result.items.map((a) => a.title)).toEqual(['feed 3', 'feed 2', 'feed 1']);
      expect(next.ops).toEqual(kv(t) ? ['Query', 'Query', 'Query', 'Query'] : ['sql']);
      // An author's own articles need no shards: one Query of (authorId, createdAt).
      const mine = await recordOps(t, () => social.byAuthor(t.db, author.id, 2));
      expect(mine.result.map((a) => a.title)).toEqual(['feed 6', 'feed 5']);
      expect(mine.ops).toEqual([kv(t) ? 'Query' : 'sql']);
    });

    scenario('favorites: the counter moves in the same atomic write and equals the real count', {}, async (t) => {
      const [author, ...fans] = await users(t, 4);
      const [tag] = await Promise.all([t.db.tag.create({ data: { name: t.tag('tag') } })]);
      const id = await social.publish(t.db, author.id, 'liked', [tag.id]);
      for (const fan of fans) {
        const { ops } = await recordOps(t, () => social.favorite(t.db, fan.id, id));
        expect(ops).toEqual([kv(t) ? 'TransactWriteItems' : 'sql']);
      }
      await social.unfavorite(t.db, fans[0].id, id);
      const article = await t.db.article.findUniqueOrThrow({ where: { id }, include: { tags: true } });
      expect(article.favoritesCount).toBe(2);
      expect(article.favoritesCount).toBe((await t.db.favorite.findMany({ where: { articleId: id } })).length);
      expect(article.tags.map((x) => x.id)).toEqual([tag.id]);
      // Following: one Query of the follower's partition.
      await social.follow(t.db, fans[1].id, author.id);
      await social.follow(t.db, fans[1].id, fans[2].id);
      const following = await recordOps(t, () => social.following(t.db, fans[1].id));
      expect(following.result.map((f) => f.followeeId).sort()).toEqual([author.id, fans[2].id].sort());
      expect(following.ops).toEqual([kv(t) ? 'Query' : 'sql']);
    });

    scenario('authors with their articles (not colocated): fanout in explain, refused under strict, P+1 requests when allowed', {}, async (t) => {
      const authors = await users(t, 3);
      for (const [i, a] of authors.entries()) await social.publish(t.db, a.id, `by ${i}`, []);
      const ids = authors.map((a) => a.id);
      const plan = await social.authorsWithArticles(t.db, ids).explain();
      const fan = plan.diagnostics.filter((d) => d.code === 'fanout');
      if (!kv(t)) {
        expect(fan).toEqual([]);
        const rows = await social.authorsWithArticles(t.db, ids);
        expect(rows.map((u) => u.articles.length)).toEqual([1, 1, 1]);
        return;
      }
      expect(fan).toHaveLength(1);
      expect(fan[0].fix).toContain('colocated: true');
      const before = t.events.length;
      const e = await rejection(social.authorsWithArticles(t.db, ids));
      expect(e).toBeInstanceOf(CapabilityError);
      expect((e as CapabilityError).code).toBe('fanout');
      expect(t.events.length, 'refused before any request').toBe(before);
      const { result, ops } = await recordOps(t, async () => social.authorsWithArticles(await t.lax(), ids));
      expect(result.map((u) => u.articles.map((a) => a.title))).toEqual(authors.map((_, i) => [`by ${i}`]));
      // One BatchGetItem of the authors, then one Query per author: P = 3.
      expect(ops).toEqual(['BatchGetItem', 'Query', 'Query', 'Query']);
    });
  },
  { schema },
);
