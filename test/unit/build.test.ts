import { describe, expect, it } from 'vitest';
import { defineSchema } from '../../src/schema/define.js';
import { model, index, unique } from '../../src/schema/model.js';
import { f } from '../../src/schema/field.js';
import { hasMany, belongsTo } from '../../src/schema/relation.js';
import { ValidationError, SchemaError } from '../../src/errors.js';
import { buildQuery } from '../../src/query/build.js';

const User = model('User', {
  id: f.uuid().key().auto(),
  email: f.string().unique(),
  name: f.string({ maxLength: 20 }),
  age: f.int().nullable(),
  createdAt: f.timestamp().createdAt(),
});
const Post = model(
  'Post',
  {
    id: f.uuid().key().auto(),
    authorId: f.uuid(),
    title: f.string(),
    status: f.enum(['draft', 'published']).default('draft'),
    tags: f.list(f.string()).default([]),
    version: f.int().version(),
  },
  { indexes: [index('authorId')] },
);
const schema = defineSchema(
  { user: User, post: Post },
  {
    relations: { user: { posts: hasMany('post', 'authorId') }, post: { author: belongsTo('user', 'authorId') } },
  },
);

describe('buildQuery', () => {
  it('turns values into slots so equal shapes compare equal', () => {
    const a = buildQuery(schema.def, 'post', 'findMany', { where: { title: { contains: 'a' } }, limit: 5 });
    const b = buildQuery(schema.def, 'post', 'findMany', { where: { title: { contains: 'zz' } }, limit: 50 });
    expect(a.shape).toBe(b.shape);
    expect(a.params).toEqual(['a', 5]);
    expect(b.params).toEqual(['zz', 50]);
  });

  it('fills defaults, auto ids, timestamps and versions on create', () => {
    const q = buildQuery(schema.def, 'post', 'create', { data: { authorId: '0190a0a0-0000-7000-8000-000000000000', title: 't' } });
    const [row] = q.params[0] as Record<string, unknown>[];
    expect(row.status).toBe('draft');
    expect(row.tags).toEqual([]);
    expect(row.version).toBe(1);
    expect(String(row.id)).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([
    [{ where: { nope: 1 } }, 'user.findMany.where.nope'],
    [{ where: { age: 'x' } }, 'user.findMany.where.age'],
    [{ where: { age: { gt: Number.NaN } } }, 'user.findMany.where.age.gt'],
    [{ where: { age: Infinity } }, 'user.findMany.where.age'],
    [{ orderBy: { "'; DROP TABLE x; --": 'asc' } }, "user.findMany.orderBy.'; DROP TABLE x; --"],
    [{ where: { __proto__: { polluted: 1 } } }, 'user.findMany.where'],
    [{ take: 3 }, 'user.findMany.take'],
  ])('rejects %j naming the path', (args, path) => {
    try {
      buildQuery(schema.def, 'user', 'findMany', args);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).path.startsWith(path)).toBe(true);
    }
  });

  it('rejects missing required fields, bad enums and over-long strings on create', () => {
    expect(() => buildQuery(schema.def, 'user', 'create', { data: { name: 'a' } })).toThrow(/email/);
    expect(() => buildQuery(schema.def, 'post', 'create', { data: { authorId: '0190a0a0-0000-7000-8000-000000000000', title: 't', status: 'gone' } })).toThrow(
      /status.*not one of/,
    );
    expect(() => buildQuery(schema.def, 'user', 'create', { data: { email: 'e', name: 'x'.repeat(21) } })).toThrow(/longer than 20/);
  });

  it('an unknown orderBy field, where field, filter operator or select field suggests the name meant', () => {
    const bad = (method: 'findMany', args: unknown, path: string, meant: string) => {
      let err: unknown;
      try {
        buildQuery(schema.def, 'user', method, args);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).path).toBe(path);
      expect((err as Error).message).toContain(`did you mean '${meant}'?`);
    };
    bad('findMany', { orderBy: { nme: 'asc' } }, 'user.findMany.orderBy.nme', 'name');
    bad('findMany', { where: { emial: 'x' } }, 'user.findMany.where.emial', 'email');
    bad('findMany', { where: { name: { startWith: 'x' } } }, 'user.findMany.where.name.startWith', 'startsWith');
    bad('findMany', { select: { agee: true } }, 'user.findMany.select.agee', 'age');
    // Nothing close: no guess.
    expect(() => buildQuery(schema.def, 'user', 'findMany', { orderBy: { zzzzzz: 'asc' } })).toThrow(/unknown field 'zzzzzz' on User$/);
  });

  it('findUnique must pin a key or unique field', () => {
    expect(buildQuery(schema.def, 'user', 'findUnique', { where: { email: 'a@x.io' } }).ast).toMatchObject({ kind: 'findUnique', uniqueBy: ['email'] });
    expect(() => buildQuery(schema.def, 'user', 'findUnique', { where: { name: 'a' } })).toThrow(/pin a key or unique/);
  });
});

describe('defineSchema errors name the model and field', () => {
  it('relation to an unknown model', () => {
    expect(() => defineSchema({ user: User }, { relations: { user: { posts: hasMany('nope', 'authorId') } } as never })).toThrow(
      /User\.posts: relation to unknown model 'nope'/,
    );
  });
  it('foreign key with the wrong type', () => {
    const P = model('P', { id: f.uuid().key(), authorId: f.int() });
    expect(() => defineSchema({ user: User, p: P }, { relations: { p: { author: belongsTo('user', 'authorId') } } })).toThrow(
      /P.authorId is int but User.id is uuid/,
    );
  });
  it('duplicate index name and missing key', () => {
    const D = model('D', { id: f.uuid().key(), a: f.string() }, { indexes: [index('a'), index('a')] });
    expect(() => defineSchema({ d: D })).toThrow(SchemaError);
    expect(() => defineSchema({ d: D })).toThrow(/duplicate index name 'D_a_idx'/);
    expect(() => defineSchema({ n: model('N', { a: f.string() }) })).toThrow(/N has no key/);
    expect(() => defineSchema({ u: model('U', { a: f.string().key(), b: f.string() }, { uniques: [unique('b', 'zz' as never)] }) })).toThrow(
      /unknown field 'zz'/,
    );
  });
});
