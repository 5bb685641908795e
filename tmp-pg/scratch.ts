import { model, f, index, unique, defineSchema, hasMany, belongsTo, createClient } from '../src/index.js';
import { pglite } from '../drivers/postgres/index.js';

const User = model('User', {
  id: f.uuid().key().auto(), email: f.string().unique(), name: f.string(), age: f.int().nullable(),
  big: f.bigint().nullable(), money: f.decimal().default('1.50'), day: f.date().nullable(),
  createdAt: f.timestamp().createdAt(), updatedAt: f.timestamp().updatedAt(),
});
const Post = model('Post', {
  id: f.uuid().key().auto(), authorId: f.uuid(), title: f.string(), status: f.enum(['draft', 'published']).default('draft'),
  tags: f.list(f.string()).default([]), publishedAt: f.timestamp().nullable(), version: f.int().version(), meta: f.json().nullable(),
}, { indexes: [index('authorId', 'publishedAt')] });
const schema = defineSchema({ user: User, post: Post }, { relations: { user: { posts: hasMany('post', 'authorId') }, post: { author: belongsTo('user', 'authorId') } } });
const events: any[] = [];
const db = await createClient({ schema, driver: pglite(), log: (e) => events.push(e) });
await db.push();
const u = await db.user.create({ data: { email: 'a@x.io', name: 'Ann', big: 9007199254740993n, day: '0099-03-04' } });
console.log(u);
const p = await db.post.create({ data: { authorId: u.id, title: "'; DROP TABLE x; --", tags: ['a', 'b"c', '\\'], meta: { a: [1, 'x'] }, publishedAt: new Date('0099-01-02T03:04:05.678Z') } });
console.log(p);
console.log(await db.user.findMany({ include: { posts: true } }));
console.log(JSON.stringify(await db.post.findMany({ include: { author: true } }), (k, v) => typeof v === 'bigint' ? `${v}n` : v));
console.log(await db.post.findMany({ where: { title: { contains: "'; DROP" } } }));
console.log(await db.post.count({ where: { tags: { has: 'b"c' } } }));
console.log(await db.post.update({ where: { id: p.id, version: 1 }, data: { title: 'x', tags: { push: 'z' } } }));
try { await db.post.update({ where: { id: p.id, version: 1 }, data: { title: 'y' } }); } catch (e) { console.log(String(e)); }
try { await db.user.create({ data: { email: 'a@x.io', name: 'dup' } }); } catch (e: any) { console.log(String(e), e.fields); }
console.log(await db.user.createMany({ data: [{ email: 'b@x.io', name: 'B' }, { email: 'a@x.io', name: 'dup' }], skipDuplicates: true }));
console.log(await db.user.upsert({ where: { email: 'c@x.io' }, create: { email: 'c@x.io', name: 'C' }, update: { name: 'C2' } }));
console.log(await db.user.upsert({ where: { email: 'c@x.io' }, create: { email: 'c@x.io', name: 'C' }, update: { name: 'C2' } }));
const page1 = await db.user.paginate({ orderBy: { email: 'asc' }, first: 2 });
console.log(page1);
const page2 = await db.user.paginate({ orderBy: { email: 'asc' }, first: 2, after: page1.nextCursor });
console.log(page2);
console.log(await db.user.paginate({ orderBy: { email: 'asc' }, last: 2, before: page2.prevCursor }));
console.log(await db.user.updateMany({ where: { name: { not: 'zzz' } }, data: { age: { set: 3 } } }));
console.log(await db.post.delete({ where: { id: p.id } }));
console.log(await db.user.deleteMany({ where: { posts: { none: {} } } }));
for (const e of events.slice(0, 3)) console.log(e.sql, e.params);
await db.close();
