/**
 * Counter caches in migrations (offline render): turning one on for an existing table emits
 * the triggers and an idempotent backfill on PostgreSQL, and a BackfillCounter step on DynamoDB;
 * turning it off drops the triggers. The live apply is in counters-live.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { belongsTo, defineSchema, f, index, model } from 'quern';
import { diffSchemas } from '../../migrations/diff/diff.js';
import { nonInteractiveResolver } from '../../migrations/diff/renames.js';
import { renderPostgres } from '../../migrations/postgres/render.js';
import { renderDynamo } from '../../migrations/dynamodb/render.js';
import { parseSteps, renderSteps } from '../../migrations/dynamodb/steps.js';
import { normalizeSchema } from '../../migrations/snapshot.js';
import type { SchemaDef } from '../../src/schema/define.js';

const schema = (counter: boolean) => defineSchema({
  article: model('Article', { id: f.uuid().key().auto(), title: f.string(), favoritesCount: f.int().default(0) }),
  favorite: model('Favorite', { id: f.uuid().key().auto(), articleId: f.uuid() }, { indexes: [index('articleId')] }),
}, { relations: { favorite: { article: belongsTo('article', 'articleId', counter ? { counterCache: 'favoritesCount' } : {}) } } }).def;

const diff = (a: SchemaDef, b: SchemaDef) => diffSchemas(normalizeSchema(a), b, { resolver: nonInteractiveResolver(false) });

describe('counter caches in migrations', () => {
  it('the snapshot keeps the declaration, so turning it on is a change', () => {
    expect(normalizeSchema(schema(true)).hash).not.toBe(normalizeSchema(schema(false)).hash);
    expect(normalizeSchema(schema(true)).relations.favorite.article.counterCache).toBe('favoritesCount');
  });

  it('on: PostgreSQL gets the triggers then the backfill; DynamoDB a BackfillCounter step through the foreign-key GSI', async () => {
    const d = await diff(schema(false), schema(true));
    const sql = renderPostgres(d).statements.map((s) => s.sql);
    expect(sql[0]).toMatch(/^CREATE OR REPLACE FUNCTION "quern_counter_[0-9a-f]{10}"\(\) RETURNS trigger LANGUAGE plpgsql/);
    expect(sql.slice(1, 4).map((s) => s.split(' ').slice(0, 9).join(' '))).toEqual(['INSERT', 'DELETE', 'UPDATE'].map((ev) => `CREATE OR REPLACE TRIGGER "${sql[0].match(/"(quern_counter_[0-9a-f]+)"/)![1]}_${ev.toLowerCase()}" AFTER ${ev} ON "Favorite"`));
    expect(sql[4]).toBe('UPDATE "Article" SET "favoritesCount" = (SELECT count(*) FROM "Favorite" AS c WHERE c."articleId" = "Article"."id") WHERE "favoritesCount" IS DISTINCT FROM (SELECT count(*) FROM "Favorite" AS c WHERE c."articleId" = "Article"."id")');
    const steps = renderDynamo(d).steps;
    expect(steps).toEqual([expect.objectContaining({ op: 'BackfillCounter', table: 'Article', key: 'id', field: 'favoritesCount', childTable: 'Favorite', foreignKey: 'articleId', via: { index: 'Favorite_articleId_idx' } })]);
    // The step survives the file round trip.
    expect(parseSteps(renderSteps('0002_x', steps, []), 'dynamodb.json').steps).toEqual(steps);
  });

  it('off: the triggers are dropped, the column stays; nothing to do on DynamoDB', async () => {
    const d = await diff(schema(true), schema(false));
    const sql = renderPostgres(d).statements.map((s) => s.sql);
    expect(sql).toHaveLength(4);
    expect(sql.slice(0, 3).every((s) => s.startsWith('DROP TRIGGER IF EXISTS "quern_counter_'))).toBe(true);
    expect(sql[3]).toMatch(/^DROP FUNCTION IF EXISTS "quern_counter_/);
    expect(renderDynamo(d).steps).toEqual([]);
  });

  it('unchanged: nothing', async () => {
    const d = await diff(schema(true), schema(true));
    expect(renderPostgres(d).statements).toEqual([]);
    expect(renderDynamo(d).steps).toEqual([]);
  });
});
