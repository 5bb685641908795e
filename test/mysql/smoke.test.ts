/**
 * The mysql target on a real MariaDB/MySQL server (the harness's): push, the write paths
 * without RETURNING (create, update, upsert, delete: located, locked and read back by key),
 * includes folded into JSON_ARRAYAGG, and the error mapping to quern's classes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  belongsTo,
  ConcurrencyError,
  createClient,
  defineSchema,
  f,
  ForeignKeyError,
  hasMany,
  model,
  NotFoundError,
  UniqueConstraintError,
  type Client,
} from 'quern';
import { mysql } from 'quern/mysql';
import { freshMysqlDatabase, testServers } from '../harness/index.js';

const User = model('User', {
  id: f.uuid().key().auto(),
  email: f.string().unique(),
  name: f.string().nullable(),
  active: f.boolean().default(true),
  createdAt: f.timestamp().createdAt(),
});

const Post = model('Post', {
  id: f.uuid().key().auto(),
  authorId: f.uuid(),
  title: f.string(),
  tags: f.list(f.string()).default([]),
  price: f.decimal().default('0'),
  views: f.bigint().default(0n),
  version: f.int().version(),
});

const schema = defineSchema(
  { user: User, post: Post },
  { relations: { user: { posts: hasMany('post', 'authorId') }, post: { author: belongsTo('user', 'authorId') } } },
);

const servers = testServers();

describe.skipIf(!servers.mysql)('mysql target smoke', () => {
  let db: Client<typeof schema>;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const database = await freshMysqlDatabase();
    drop = database.drop;
    db = await createClient({ schema, driver: mysql({ uri: database.url }) });
    await db.push();
    await db.push(); // idempotent
  });

  afterAll(async () => {
    await db?.close();
    await drop?.();
  });

  it('creates and reads a row back with its values typed', async () => {
    const u = await db.user.create({ data: { email: 'ada@x.io', name: 'Ada' } });
    expect(u.active).toBe(true);
    expect(u.createdAt).toBeInstanceOf(Date);
    const p = await db.post.create({ data: { authorId: u.id, title: 'Hello', tags: ['a', 'b'], price: '12.50', views: 9007199254740993n } });
    expect(p).toMatchObject({ title: 'Hello', tags: ['a', 'b'], price: '12.5', views: 9007199254740993n, version: 1 });
    const found = await db.user.findUnique({ where: { id: u.id }, include: { posts: { orderBy: { title: 'asc' } } } });
    expect(found?.posts.map((x) => x.title)).toEqual(['Hello']);
    expect(found?.posts[0].views).toBe(9007199254740993n);
  });

  it('compares text exactly, and case-insensitively on request', async () => {
    await db.user.create({ data: { email: 'Case@x.io' } });
    expect(await db.user.count({ where: { email: 'case@x.io' } })).toBe(0);
    expect(await db.user.count({ where: { email: { equals: 'case@x.io', mode: 'insensitive' } } })).toBe(1);
    expect(await db.user.count({ where: { email: { startsWith: 'cas', mode: 'insensitive' } } })).toBe(1);
  });

  it('updates, upserts and deletes one row without RETURNING', async () => {
    const u = await db.user.create({ data: { email: 'bob@x.io' } });
    const updated = await db.user.update({ where: { id: u.id }, data: { name: 'Bob' } });
    expect(updated.name).toBe('Bob');
    const up1 = await db.user.upsert({ where: { email: 'carl@x.io' }, create: { email: 'carl@x.io', name: 'new' }, update: { name: 'updated' } });
    expect(up1.name).toBe('new');
    const up2 = await db.user.upsert({ where: { email: 'carl@x.io' }, create: { email: 'carl@x.io', name: 'new' }, update: { name: 'updated' } });
    expect(up2).toMatchObject({ id: up1.id, name: 'updated' });
    const gone = await db.user.delete({ where: { id: u.id } });
    expect(gone.email).toBe('bob@x.io');
    await expect(db.user.delete({ where: { id: u.id } })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('checks an expected version', async () => {
    const u = await db.user.create({ data: { email: 'ver@x.io' } });
    const p = await db.post.create({ data: { authorId: u.id, title: 'v' } });
    const next = await db.post.update({ where: { id: p.id, version: 1 }, data: { title: 'v2' } });
    expect(next.version).toBe(2);
    await expect(db.post.update({ where: { id: p.id, version: 1 }, data: { title: 'v3' } })).rejects.toBeInstanceOf(ConcurrencyError);
  });

  it('maps unique and foreign key violations', async () => {
    await db.user.create({ data: { email: 'dup@x.io' } });
    const e = await db.user.create({ data: { email: 'dup@x.io' } }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UniqueConstraintError);
    expect((e as UniqueConstraintError).fields).toEqual(['email']);
    const fk = await db.post.create({ data: { authorId: '00000000-0000-4000-8000-000000000000', title: 'orphan' } }).catch((x: unknown) => x);
    expect(fk).toBeInstanceOf(ForeignKeyError);
  });

  it('createMany, updateMany and deleteMany count rows', async () => {
    const u = await db.user.create({ data: { email: 'many@x.io' } });
    const made = await db.post.createMany({ data: [1, 2, 3].map((i) => ({ authorId: u.id, title: `m${i}`, tags: [`t${i}`] })) });
    expect(made).toEqual({ count: 3 });
    expect(await db.post.count({ where: { authorId: u.id, tags: { has: 't2' } } })).toBe(1);
    expect(await db.post.updateMany({ where: { authorId: u.id }, data: { title: 'same' } })).toEqual({ count: 3 });
    expect(await db.post.deleteMany({ where: { authorId: u.id } })).toEqual({ count: 3 });
  });
});
