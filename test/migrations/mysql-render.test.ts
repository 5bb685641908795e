/**
 * The MySQL migration renderer offline (no server): what each kind of change becomes, and which
 * changes are destructive. MySQL types depend on more than the field (an enum is a VARCHAR as
 * wide as its longest value; an unbounded string is VARCHAR(255) only where an index covers it),
 * so these are the cases the PostgreSQL classification alone would get wrong. The live applies
 * are in history.test.ts, mysql-cli.test.ts and reliability.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { belongsTo, defineSchema, f, index, model } from 'quern';
import { diffSchemas } from '../../migrations/diff/diff.js';
import { nonInteractiveResolver } from '../../migrations/diff/renames.js';
import { renderMysql } from '../../migrations/mysql/render.js';
import { normalizeSchema } from '../../migrations/snapshot.js';
import type { SchemaDef } from '../../src/schema/define.js';

const render = async (a: SchemaDef, b: SchemaDef) => renderMysql(await diffSchemas(normalizeSchema(a), b, { resolver: nonInteractiveResolver(false) }));
const destructive = (s: readonly { destructive?: string }[]) => s.filter((x) => x.destructive).map((x) => x.destructive);

describe('MySQL migration rendering', () => {
  it('an enum value added widens the VARCHAR and swaps the CHECK, nothing destructive; one removed narrows', async () => {
    const v = (values: [string, ...string[]]) => defineSchema({ post: model('Post', { id: f.uuid().key(), status: f.enum(values) }) }).def;
    const added = await render(v(['draft', 'live']), v(['draft', 'live', 'archived']));
    expect(added.map((s) => s.sql)).toEqual([
      'ALTER TABLE "Post" DROP CONSTRAINT "Post_status_check"',
      'ALTER TABLE "Post" MODIFY COLUMN "status" VARCHAR(8) NOT NULL',
      `ALTER TABLE "Post" ADD CONSTRAINT "Post_status_check" CHECK ("status" IN ('draft', 'live', 'archived'))`,
    ]);
    expect(destructive(added)).toEqual([]);
    const removed = await render(v(['draft', 'live', 'archived']), v(['draft', 'live']));
    expect(destructive(removed)).toEqual([
      'narrows Post.status from VARCHAR(8) to VARCHAR(5): values longer than 5 characters make the change fail',
      `narrows Post.status ('archived' no longer allowed); fails if rows hold them`,
    ]);
  });

  it('indexing an unbounded string turns LONGTEXT into VARCHAR(255): destructive, as values may be longer', async () => {
    const v = (indexed: boolean) => defineSchema({ post: model('Post', { id: f.uuid().key(), title: f.string() }, { indexes: indexed ? [index('title')] : [] }) }).def;
    const on = await render(v(false), v(true));
    expect(on.map((s) => s.sql)).toEqual(['ALTER TABLE "Post" MODIFY COLUMN "title" VARCHAR(255) NOT NULL', 'CREATE INDEX "Post_title_idx" ON "Post" ("title")']);
    expect(destructive(on)).toEqual(['narrows Post.title from LONGTEXT to VARCHAR(255): values longer than 255 characters make the change fail']);
    const off = await render(v(true), v(false));
    expect(off.map((s) => s.sql)).toEqual(['ALTER TABLE "Post" DROP INDEX "Post_title_idx"', 'ALTER TABLE "Post" MODIFY COLUMN "title" LONGTEXT NOT NULL']);
    expect(destructive(off)).toEqual([]);
  });

  it('a required field: filled when it has a default (added nullable, updated, made NOT NULL), destructive when not', async () => {
    const v = (extra: boolean) =>
      defineSchema({ post: model('Post', { id: f.uuid().key(), ...(extra ? { views: f.int().default(0), at: f.timestamp().createdAt(), code: f.string() } : {}) }) }).def;
    const r = await render(v(false), v(true));
    expect(r.map((s) => s.sql)).toEqual([
      'ALTER TABLE "Post" ADD COLUMN "views" INT NULL',
      'UPDATE "Post" SET "views" = 0 WHERE "views" IS NULL',
      'ALTER TABLE "Post" MODIFY COLUMN "views" INT NOT NULL',
      'ALTER TABLE "Post" ADD COLUMN "at" DATETIME(3) NULL',
      'UPDATE "Post" SET "at" = UTC_TIMESTAMP(3) WHERE "at" IS NULL',
      'ALTER TABLE "Post" MODIFY COLUMN "at" DATETIME(3) NOT NULL',
      'ALTER TABLE "Post" ADD COLUMN "code" LONGTEXT NOT NULL',
    ]);
    expect(destructive(r)).toEqual(['adds required column Post.code with no default: fails if Post has rows (give it .default(...) or make it .nullable())']);
  });

  it('a counter cache turned on gets its triggers, each one statement, then a backfill; turned off, its triggers are dropped', async () => {
    const v = (counter: boolean) =>
      defineSchema({
        article: model('Article', { id: f.uuid().key(), favoritesCount: f.int().default(0) }),
        favorite: model('Favorite', { id: f.uuid().key(), articleId: f.uuid() }, { indexes: [index('articleId')] }),
      }, { relations: { favorite: { article: belongsTo('article', 'articleId', counter ? { counterCache: 'favoritesCount' } : {}) } } }).def;
    const on = await render(v(false), v(true));
    expect(on.map((s) => s.sql.split(' ').slice(0, 2).join(' '))).toEqual(['CREATE TRIGGER', 'CREATE TRIGGER', 'CREATE TRIGGER', 'UPDATE "Article"']);
    // A migration file splits at semicolons: no trigger may hold one.
    for (const s of on) expect(s.sql).not.toContain(';');
    const off = await render(v(true), v(false));
    expect(off.map((s) => s.sql)).toEqual(on.slice(0, 3).map((s) => `DROP TRIGGER IF EXISTS ${s.sql.split(' ')[2]}`));
  });

  it('a renamed model with its own table renames the table, and the foreign keys named after it are dropped and re-added', async () => {
    const v = (name: string) =>
      defineSchema({
        user: model('User', { id: f.uuid().key() }),
        post: model(name, { id: f.uuid().key(), authorId: f.uuid() }, { indexes: [index('authorId')], ...(name === 'Post' ? {} : { renamedFrom: 'Post' }) }),
      }, { relations: { post: { author: belongsTo('user', 'authorId') } } }).def;
    const r = await render(v('Post'), v('Article'));
    expect(r.map((s) => s.sql)).toEqual([
      'RENAME TABLE "Post" TO "Article"',
      'ALTER TABLE "Article" DROP FOREIGN KEY "Post_authorId_fkey"',
      'ALTER TABLE "Article" RENAME INDEX "Post_authorId_idx" TO "Article_authorId_idx"',
      'ALTER TABLE "Article" ADD CONSTRAINT "Article_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User" ("id")',
    ]);
    expect(destructive(r)).toEqual([]);
  });
});
