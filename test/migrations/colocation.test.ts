/**
 * Colocation in migrations (offline render): making a relation colocated moves the parent's and
 * the children's items into the new collection table (then deletes the emptied tables); making it
 * not colocated moves them back. SQL targets have nothing to do. The live apply is in
 * denormalization.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { diffSchemas } from '../../migrations/diff/diff.js';
import { nonInteractiveResolver } from '../../migrations/diff/renames.js';
import { renderPostgres } from '../../migrations/postgres/render.js';
import { renderDynamo } from '../../migrations/dynamodb/render.js';
import { parseSteps, renderSteps } from '../../migrations/dynamodb/steps.js';
import { normalizeSchema } from '../../migrations/snapshot.js';
import { UnsupportedChangeError } from '../../migrations/errors.js';
import type { SchemaDef } from '../../src/schema/define.js';
import { colo1, colo2, colo3 } from './denorm-versions.js';
import { belongsTo, defineSchema, f, hasMany, model } from 'quern';

const diff = (a: SchemaDef, b: SchemaDef) => diffSchemas(normalizeSchema(a), b, { resolver: nonInteractiveResolver(false) });
const summary = (steps: readonly { op: string; table: string }[]) =>
  steps.map((s) => `${s.op} ${s.table}${'to' in s ? ` -> ${(s as { to: string }).to}` : ''}`);

describe('colocation in migrations', () => {
  it('on: the collection table, both moves, the emptied tables deleted (not destructive), then the counter computed in the collection', async () => {
    const d = await diff(colo1().def, colo2().def);
    const { steps } = renderDynamo(d);
    expect(summary(steps)).toEqual([
      'CreateTable User-items',
      'MoveItems User -> User-items',
      'MoveItems Post -> User-items',
      'DeleteTable User',
      'DeleteTable Post',
      'BackfillCounter User-items',
    ]);
    expect(steps[1]).toMatchObject({ model: 'User', into: { sk: '#', role: 'parent' }, staleUniques: [] });
    expect(steps[2]).toMatchObject({ model: 'Post', into: { sk: 'Post#', role: 'child' }, staleUniques: [] });
    expect(steps.some((s) => s.destructive)).toBe(false);
    // The counter reads the children in the parent's partition, and writes the parent's collection item.
    expect(steps[5]).toMatchObject({
      childTable: 'User-items',
      key: 'id',
      via: { index: null },
      member: { sk: '#', role: 'parent' },
      childMember: { sk: 'Post#', role: 'child' },
    });
    expect(parseSteps(renderSteps('0002_x', steps, []), 'dynamodb.json').steps).toEqual(steps);
    // PostgreSQL only gets the counter's triggers and backfill.
    expect(renderPostgres(d).statements.every((s) => /quern_counter_|"postsCount"/.test(s.sql))).toBe(true);
  });

  it('off: the model tables again, the items moved back, the child loses the own-key entry that served lookups by id', async () => {
    const d = await diff(colo2().def, colo3().def);
    const { steps } = renderDynamo(d);
    expect(summary(steps)).toEqual([
      'CreateTable User',
      'CreateTable Post',
      'MoveItems User-items -> User',
      'MoveItems User-items -> Post',
      'DeleteTable User-items',
    ]);
    expect(steps[3]).toMatchObject({ from: { sk: 'Post#', role: 'child' }, staleUniques: [{ name: 'Post_id_key', fields: ['id'] }] });
    expect(renderPostgres(d).statements).toEqual([]);
  });

  it('removing a whole collection deletes its one table (destructive); removing the child alone moves the parent back', async () => {
    const none = defineSchema({});
    const gone = renderDynamo(await diff(colo2().def, none.def)).steps.filter((s) => s.op === 'DeleteTable');
    expect(gone).toEqual([expect.objectContaining({ op: 'DeleteTable', table: 'User-items', destructive: expect.stringMatching(/User-items/) })]);
    const userOnly = defineSchema({ user: model('User', { id: f.uuid().key().auto(), name: f.string(), postsCount: f.int().default(0) }) });
    // The parent alone is left: it moves back to its own table, and the collection (with the removed posts) goes.
    expect(summary(renderDynamo(await diff(colo2().def, userOnly.def)).steps)).toEqual([
      'CreateTable User',
      'MoveItems User-items -> User',
      'DeleteUniqueEntries User-items',
      'DeleteUniqueEntries User-items',
      'DeleteTable User-items',
    ]);
  });

  it('a move together with a rename of the same model is refused with the fix', async () => {
    const renamed = defineSchema(
      {
        user: model('User', { id: f.uuid().key().auto(), name: f.string(), postsCount: f.int().default(0) }),
        post: model('Post', { id: f.uuid().key().auto(), authorId: f.uuid(), heading: f.string().renamedFrom('title'), slug: f.string().unique() }),
      },
      { relations: { user: { posts: hasMany('post', 'authorId', { colocated: true }) }, post: { author: belongsTo('user', 'authorId') } } },
    );
    const d = await diff(colo1().def, renamed.def);
    expect(() => renderDynamo(d)).toThrow(UnsupportedChangeError);
    expect(() => renderDynamo(d)).toThrow(/Post moves into the item collection table User-items and renames title → heading[\s\S]*migration of its own/);
  });
});
