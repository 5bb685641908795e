// manyToMany(target, { through, from, to }): includes in both directions (nested, with where and
// limit), orderBy inside the include (SQL; refused on DynamoDB), relation filters (SQL; refused on
// DynamoDB), and the request shape of each direction on DynamoDB: one Query per parent on the join
// model plus one BatchGetItem of the targets.
import { expect } from 'vitest';
import { ValidationError } from 'quern';
import { createUser } from './fixtures.js';
import { conformance, expectCapabilityError, fanoutReader, recordOps, rejection, type Target } from './targets.js';

async function seedTags(t: Target) {
  const team = t.tag('team');
  const author = await createUser(t, { team, name: 'Ann' });
  const [p1, p2, p3] = await Promise.all(['m2m one', 'm2m two', 'm2m three'].map((title) => t.db.post.create({ data: { authorId: author.id, title } })));
  const [db, ts, sql] = await Promise.all(['db', 'ts', 'sql'].map((name) => t.db.tag.create({ data: { team, name } })));
  // p1: db, ts · p2: ts · p3: none · sql: no post
  await t.db.postTag.createMany({
    data: [
      { postId: p1.id, tagId: db.id },
      { postId: p1.id, tagId: ts.id },
      { postId: p2.id, tagId: ts.id },
    ],
  });
  return { team, author, p1, p2, p3, db, ts, sql };
}

const names = (rows: readonly { name: string }[]) => rows.map((r) => r.name).sort();
const titlesOf = (rows: readonly { title: string }[]) => rows.map((r) => r.title).sort();

conformance('many-to-many', ({ scenario }) => {
  scenario('include in both directions; [] when a row has no links', {}, async (t) => {
    const { p1, p2, p3, db, ts, sql, author } = await seedTags(t);
    // Several parents: on DynamoDB one Query per parent, a fan-out only a non-strict client runs.
    const reader = await fanoutReader(t);
    const posts = await reader.post.findMany({ where: { authorId: author.id }, include: { labels: true } });
    const byId = new Map(posts.map((p) => [p.id, p]));
    expect(names(byId.get(p1.id)!.labels)).toEqual(['db', 'ts']);
    expect(names(byId.get(p2.id)!.labels)).toEqual(['ts']);
    expect(byId.get(p3.id)!.labels).toEqual([]);
    // Included targets are complete rows.
    expect(byId.get(p2.id)!.labels[0]).toEqual({ id: ts.id, team: ts.team, name: 'ts' });

    const tags = await reader.tag.findMany({ where: { team: db.team }, include: { posts: true } });
    const byTag = new Map(tags.map((x) => [x.id, x]));
    expect(titlesOf(byTag.get(db.id)!.posts)).toEqual(['m2m one']);
    expect(titlesOf(byTag.get(ts.id)!.posts)).toEqual(['m2m one', 'm2m two']);
    expect(byTag.get(sql.id)!.posts).toEqual([]);
  });

  scenario('nested include through a many-to-many (tag → posts → author), select inside', {}, async (t) => {
    const { ts, author } = await seedTags(t);
    const tag = await t.db.tag.findUniqueOrThrow({ where: { id: ts.id }, include: { posts: { select: { title: true }, include: { author: true } } } });
    expect(titlesOf(tag.posts)).toEqual(['m2m one', 'm2m two']);
    for (const p of tag.posts) {
      expect(p.author).toMatchObject({ id: author.id, name: 'Ann' });
      expect(Object.keys(p).sort()).toEqual(['author', 'title']);
    }
  });

  scenario('include with where and limit', {}, async (t) => {
    const { p1 } = await seedTags(t);
    const only = await t.db.post.findUniqueOrThrow({ where: { id: p1.id }, include: { labels: { where: { name: 'ts' } } } });
    expect(names(only.labels)).toEqual(['ts']);
    const one = await t.db.post.findUniqueOrThrow({ where: { id: p1.id }, include: { labels: { limit: 1 } } });
    expect(one.labels).toHaveLength(1);
    expect(['db', 'ts']).toContain(one.labels[0].name);
    const filteredOne = await t.db.post.findUniqueOrThrow({ where: { id: p1.id }, include: { labels: { where: { name: { startsWith: 'd' } }, limit: 1 } } });
    expect(names(filteredOne.labels)).toEqual(['db']);
  });

  scenario('include with orderBy', { needs: ['arbitraryOrder'] }, async (t) => {
    const { p1 } = await seedTags(t);
    const desc = await t.db.post.findUniqueOrThrow({ where: { id: p1.id }, include: { labels: { orderBy: { name: 'desc' } } } });
    expect(desc.labels.map((x) => x.name)).toEqual(['ts', 'db']);
  });

  scenario('some / every / none over a many-to-many', { needs: ['relationFilters'] }, async (t) => {
    const { author } = await seedTags(t);
    const some = await t.db.post.findMany({ where: { authorId: author.id, labels: { some: { name: 'db' } } } });
    expect(titlesOf(some)).toEqual(['m2m one']);
    const every = await t.db.post.findMany({ where: { authorId: author.id, labels: { every: { name: 'ts' } } } });
    // every holds vacuously for a post without tags.
    expect(titlesOf(every)).toEqual(['m2m three', 'm2m two']);
    const none = await t.db.post.findMany({ where: { authorId: author.id, labels: { none: {} } } });
    expect(titlesOf(none)).toEqual(['m2m three']);
  });

  scenario('request shape: SQL one statement; DynamoDB one Query per parent plus one BatchGetItem', {}, async (t) => {
    const { p1, p2 } = await seedTags(t);
    const reader = await fanoutReader(t);
    const { result, ops } = await recordOps(t, () => reader.post.findMany({ where: { id: { in: [p1.id, p2.id] } }, include: { labels: true } }));
    expect(result).toHaveLength(2);
    if (t.caps.family === 'sql') expect(ops).toEqual(['sql']);
    else {
      expect(ops).toEqual(['BatchGetItem', 'Query', 'Query', 'BatchGetItem']);
      // The strict client refuses the per-parent Queries, naming the fan-out.
      await expectCapabilityError(t.db.post.findMany({ where: { id: { in: [p1.id, p2.id] } }, include: { labels: true } }), 'fanout');
      // One parent: one Query of the links, one BatchGetItem of the tags, and no fan-out.
      const one = await recordOps(t, () => t.db.post.findUniqueOrThrow({ where: { id: p1.id }, include: { labels: true } }));
      expect(one.ops).toEqual(['GetItem', 'Query', 'BatchGetItem']);
    }
  });

  scenario('an include option the relation does not take is a ValidationError', {}, async (t) => {
    const e = await rejection(t.db.post.findMany({ where: { id: 'x' }, include: { labels: { take: 1 } as never } }));
    expect(e).toBeInstanceOf(ValidationError);
  });
});
