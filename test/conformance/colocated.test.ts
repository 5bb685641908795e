// Colocated collections: hasMany('note', 'authorId', { colocated: true }). On DynamoDB the notes
// live in their author's partition: an author with its notes is ONE Query, an author's notes are
// one Query, a note is still read by its own key. SQL stores nothing differently. Every target
// returns the same rows.
import { expect } from 'vitest';
import { CapabilityError, belongsTo, defineSchema, f, hasMany, index, model } from 'quern';
import { dynamodbTarget } from 'quern/dynamodb';
import { conformance, recordOps, rejection, type Target } from './targets.js';

const Author = model(
  'Author',
  {
    id: f.uuid().key().auto(),
    name: f.string(),
    team: f.string(),
  },
  { indexes: [index('team', 'name')] },
);

const Note = model(
  'Note',
  {
    id: f.uuid().key().auto(),
    authorId: f.uuid(),
    title: f.string(),
    n: f.int(),
    at: f.timestamp(),
  },
  { indexes: [index('authorId', 'at')] },
);

const schema = defineSchema(
  { author: Author, note: Note },
  {
    relations: {
      author: { notes: hasMany('note', 'authorId', { colocated: true }) },
      note: { author: belongsTo('author', 'authorId') },
    },
  },
);
type T = Target<typeof schema>;

const ns = (rows: readonly { n: number }[]) => rows.map((r) => r.n).sort((a, b) => a - b);
const range = (k: number) => Array.from({ length: k }, (_, i) => i);

async function authorWith(t: T, notes: number) {
  const team = t.tag('team');
  const author = await t.db.author.create({ data: { name: 'Ann', team } });
  for (const i of range(notes)) await t.db.note.create({ data: { authorId: author.id, title: `note ${i}`, n: i, at: new Date(Date.UTC(2026, 0, 1, 0, i)) } });
  return { author, team };
}

conformance(
  'colocated collections',
  ({ scenario }) => {
    scenario('a parent with 30 children: ONE request on DynamoDB, the same rows everywhere', {}, async (t) => {
      const { author } = await authorWith(t, 30);
      const other = await authorWith(t, 2); // a neighbour's notes never leak in
      const { result, ops } = await recordOps(t, () => t.db.author.findUnique({ where: { id: author.id }, include: { notes: true } }));
      expect(result?.name).toBe('Ann');
      expect(ns(result!.notes)).toEqual(range(30));
      expect(result!.notes.every((n) => n.authorId === author.id)).toBe(true);
      expect(ops).toEqual(t.name === 'dynamodb' ? ['Query'] : ['sql']);
      const empty = await t.db.author.create({ data: { name: 'Nobody', team: other.team } });
      expect((await t.db.author.findUnique({ where: { id: empty.id }, include: { notes: true } }))?.notes).toEqual([]);
      expect(await t.db.author.findUnique({ where: { id: '0190a0a0-0000-7000-8000-000000000000' }, include: { notes: true } })).toBeNull();
    });

    scenario("findMany by the foreign key is one Query; ordered through the parent's index", {}, async (t) => {
      const { author } = await authorWith(t, 7);
      const { result, ops } = await recordOps(t, () => t.db.note.findMany({ where: { authorId: author.id } }));
      expect(ns(result)).toEqual(range(7));
      expect(ops).toEqual(t.name === 'dynamodb' ? ['Query'] : ['sql']);
      const newest = await t.db.note.findMany({ where: { authorId: author.id }, orderBy: { at: 'desc' }, limit: 3 });
      expect(newest.map((r) => r.n)).toEqual([6, 5, 4]);
      const some = await t.db.note.findMany({ where: { authorId: author.id, n: { gte: 5 } } });
      expect(ns(some)).toEqual([5, 6]);
      expect(await t.db.note.count({ where: { authorId: author.id } })).toBe(7);
    });

    scenario('a child is still read, updated and deleted by its own key', {}, async (t) => {
      const { author } = await authorWith(t, 3);
      const [first] = await t.db.note.findMany({ where: { authorId: author.id, n: 0 } });
      const { result, ops } = await recordOps(t, () => t.db.note.findUnique({ where: { id: first.id } }));
      expect(result?.title).toBe('note 0');
      // The own-key lookup entry, then the item: both strongly consistent.
      if (t.name === 'dynamodb') expect(ops).toEqual(['GetItem', 'GetItem']);
      await t.db.note.update({ where: { id: first.id }, data: { title: 'renamed' } });
      expect((await t.db.note.findUnique({ where: { id: first.id } }))?.title).toBe('renamed');
      await t.db.note.delete({ where: { id: first.id } });
      expect(await t.db.note.findUnique({ where: { id: first.id } })).toBeNull();
      const left = await t.db.author.findUnique({ where: { id: author.id }, include: { notes: true } });
      expect(ns(left!.notes)).toEqual([1, 2]);
      const withAuthor = await t.db.note.findMany({ where: { authorId: author.id }, include: { author: true } });
      expect(withAuthor.map((r) => r.author?.id)).toEqual([author.id, author.id]);
    });

    scenario('db.batch and deleteMany within one collection', {}, async (t) => {
      const { author } = await authorWith(t, 0);
      await t.db.batch([
        t.db.note.create({ data: { authorId: author.id, title: 'a', n: 1, at: new Date() } }),
        t.db.note.create({ data: { authorId: author.id, title: 'b', n: 2, at: new Date() } }),
      ]);
      expect(ns((await t.db.author.findUnique({ where: { id: author.id }, include: { notes: true } }))!.notes)).toEqual([1, 2]);
      expect((await t.db.note.deleteMany({ where: { authorId: author.id, n: 1 } })).count).toBe(1);
      expect(ns(await t.db.note.findMany({ where: { authorId: author.id } }))).toEqual([2]);
    });

    scenario('a Scan of the shared table returns only the model asked for', {}, async (t) => {
      const { author } = await authorWith(t, 2);
      const lax = await t.lax();
      const notes = await lax.note.findMany({
        where: { title: { startsWith: 'note ' }, authorId: { not: '0190a0a0-0000-7000-8000-000000000000' } },
        allowScan: true,
      });
      expect(notes.filter((r) => r.authorId === author.id).length).toBe(2);
      expect(notes.every((r) => typeof r.title === 'string' && typeof r.n === 'number')).toBe(true);
      const authors = await lax.author.findMany({ where: { name: 'Ann', id: author.id } });
      expect(authors.map((a) => a.id)).toEqual([author.id]);
    });

    scenario('moving a child to another parent is refused on DynamoDB (its partition), allowed on SQL', {}, async (t) => {
      const { author } = await authorWith(t, 1);
      const { author: other } = await authorWith(t, 0);
      const [note] = await t.db.note.findMany({ where: { authorId: author.id } });
      const move = () => t.db.note.update({ where: { id: note.id }, data: { authorId: other.id } });
      if (t.name !== 'dynamodb') {
        expect((await move()).authorId).toBe(other.id);
        return;
      }
      const e = await rejection(move());
      expect(e).toBeInstanceOf(CapabilityError);
      expect((e as CapabilityError).code).toBe('operator-unsupported');
      expect((e as CapabilityError).fix).toContain('db.batch');
    });

    scenario('explain: the colocated include is one request; over many parents it is a fanout', {}, async (t) => {
      const one = await t.db.author
        .findUnique({ where: { id: '0190a0a0-0000-7000-8000-000000000000' }, include: { notes: true } })
        .explain({ target: dynamodbTarget });
      expect(one.diagnostics).toEqual([]);
      expect(one.text).toContain('ONE request');
      expect(one.text).toContain('(no request)');
      const many = await t.db.author.findMany({ where: { team: 'x' }, include: { notes: true } }).explain({ target: dynamodbTarget });
      expect(many.diagnostics.map((d) => d.code)).toEqual(['fanout']);
      expect(many.diagnostics[0].fix).toContain('colocated');
    });
  },
  { schema },
);
