// Offline DynamoDB planning: access paths, every diagnostic code, and concrete fixes. No server.
import { describe, expect, it } from 'vitest';
import { createClient, planOffline, SchemaError, type Plan } from 'quern';
import { dynamodb, dynamodbTarget } from 'quern/dynamodb';
import { checkKvSchema } from '../../src/plan/kv/schema-check.js';
import { batchTooLargeDiagnostic, interactiveTransactionDiagnostic } from '../../src/plan/gate.js';
import type { KvOperation } from '../../src/plan/kv/ops.js';
import { blog, blogIndexed } from './kv-plan-fixtures.js';

const ID = '018f2b4e-7a3c-7cde-8f00-0123456789ab';
const ID2 = '018f2b4e-7a3c-7cde-8f00-0123456789ac';

type S = typeof blog | typeof blogIndexed;
const plan = (model: string, method: Parameters<typeof planOffline>[2], args: unknown, schema: S = blog) =>
  planOffline(schema, model, method, args, dynamodbTarget);
const kinds = (p: Plan) => p.operations.map((o) => o.kind);
const codes = (p: Plan) => p.diagnostics.map((d) => d.code);
const errors = (p: Plan) => p.diagnostics.filter((d) => d.severity === 'error');
const kv = (p: Plan, i = 0) => p.operations[i] as KvOperation;
const text = (p: Plan) => p.operations.map((o) => dynamodbTarget.describe(o)).join('\n');

describe('a sparse index that would serve the query: the fix is the not-null filter, never the index the model has', () => {
  it('orderBy the nullable sort key of an existing index', () => {
    const p = plan('post', 'findMany', { where: { authorId: ID }, orderBy: { publishedAt: 'desc' } });
    expect(codes(p).sort()).toEqual(['order-unsupported', 'scan-required']);
    for (const d of p.diagnostics) {
      expect(d.fix, d.code).toContain('publishedAt: { not: null }');
      expect(d.fix, d.code).not.toContain("index('authorId', 'publishedAt')");
    }
    // The filter the fix names makes the query run on that index.
    const fixed = plan('post', 'findMany', { where: { authorId: ID, publishedAt: { not: null } }, orderBy: { publishedAt: 'desc' } });
    expect(fixed.diagnostics).toEqual([]);
    expect(kinds(fixed)[0]).toBe('Query');
    expect((kv(fixed) as { index?: string }).index).toBe('Post_authorId_publishedAt_idx');
  });

  it('a pinned partition alone: the not-null filter, or a non-sparse index to return every row', () => {
    const p = plan('post', 'findMany', { where: { authorId: ID } });
    expect(codes(p)).toEqual(['scan-required']);
    expect(p.diagnostics[0].fix).toMatch(/publishedAt: \{ not: null \}.*to return them too, add index\('authorId'\) to Post/);
  });
});

describe('access paths', () => {
  it('every key field fixed by equality → one GetItem', () => {
    const p = plan('post', 'findUnique', { where: { id: ID } });
    expect(kinds(p)).toEqual(['GetItem']);
    expect(p.diagnostics).toEqual([]);
    expect(text(p)).toBe('GetItem Post key(id = :v1) consistent');
  });

  it('key `in` a list → BatchGetItem in chunks of 100', () => {
    const p = plan('post', 'findMany', { where: { id: { in: [ID, ID2] } } });
    expect(kinds(p)).toEqual(['BatchGetItem']);
    const op = kv(p);
    expect(op.kind === 'BatchGetItem' && op.chunk).toBe(100);
    expect(p.diagnostics).toEqual([]);
  });

  it('composite key: partition fixed and sort `in` → BatchGetItem of the pairs; extra conditions are a declared ClientFilter', () => {
    const p = plan('membership', 'findMany', { where: { orgId: 'o1', userId: { in: [ID, ID2] }, role: 'admin' } });
    expect(kinds(p)).toEqual(['BatchGetItem', 'ClientFilter']);
    expect(text(p)).toContain('BatchGetItem Membership keys(orgId = :v0 AND userId IN ...:v1) in chunks of 100 then check(role = :v2)');
  });

  it('partition of the table fixed → Query on the table, the rest in the filter', () => {
    const p = plan('membership', 'findMany', { where: { orgId: 'o1', role: 'admin' } });
    expect(kinds(p)).toEqual(['Query']);
    expect(text(p)).toBe('Query Membership key(orgId = :v0) filter(role = :v1) asc');
  });

  it('partition of a GSI fixed → Query on the index: sort-key condition in the key, the rest in the filter, order via direction', () => {
    const p = plan('post', 'findMany', {
      where: { status: 'published', createdAt: { gte: new Date(0) }, title: { startsWith: 'a' } },
      orderBy: { createdAt: 'desc' },
      limit: 20,
    });
    expect(errors(p)).toEqual([]);
    const op = kv(p);
    expect(op.kind).toBe('Query');
    if (op.kind !== 'Query') return;
    expect(op.index).toBe('Post_status_createdAt_idx');
    expect(op.direction).toBe('backward');
    expect(text(p)).toBe('Query Post index Post_status_createdAt_idx key(status = :v0 AND createdAt >= :v1) filter(begins_with(title, :v2)) desc limit :v3');
  });

  it('gte + lte on the sort key → BETWEEN in the key condition', () => {
    const p = plan('post', 'findMany', { where: { status: 'draft', createdAt: { gte: new Date(0), lte: new Date(1) } } });
    expect(text(p)).toContain('key(status = :v0 AND createdAt BETWEEN :v1 AND :v2)');
  });

  it('unique field fixed → GetItem on the unique-index table, then GetItem', () => {
    const p = plan('user', 'findUnique', { where: { email: 'a@x.io' } });
    expect(kinds(p)).toEqual(['GetItem', 'GetItem', 'ClientFilter']);
    expect(kv(p, 0).table).toBe('quern-unique');
    expect(kv(p, 0).step).toEqual({ role: 'lookup', constraint: 'User_email_key', fields: ['email'] });
    expect(text(p).split('\n')[0]).toBe('GetItem quern-unique key(User_email_key: email = :v1) → user key');
    expect(p.diagnostics).toEqual([]);
  });

  it('composite unique fixed → lookup through that constraint', () => {
    const p = plan('membership', 'findUnique', { where: { userId: ID, role: 'admin' } });
    expect(kv(p, 0).step).toEqual({ role: 'lookup', constraint: 'Membership_userId_role_key', fields: ['userId', 'role'] });
  });

  it('no key or index → scan-required with a concrete fix; allowScan: true → Scan, no error', () => {
    const p = plan('post', 'findMany', { where: { title: { contains: 'x' } } });
    expect(codes(p)).toEqual(['scan-required']);
    expect(p.diagnostics[0].severity).toBe('error');
    expect(p.diagnostics[0].fix).toContain('pass allowScan: true');
    const s = plan('post', 'findMany', { where: { title: { contains: 'x' } }, allowScan: true });
    expect(kinds(s)).toEqual(['Scan']);
    expect(s.diagnostics).toEqual([]);
    expect(text(s)).toBe('Scan Post filter(contains(title, :v0)) (reads the whole table)');
  });

  it('scan-required names the index that would serve an equality filter', () => {
    const p = plan('user', 'findMany', { where: { name: 'Ann' } });
    expect(codes(p)).toEqual(['scan-required']);
    expect(p.diagnostics[0].fix).toBe("add index('name') to User, or pass allowScan: true to read the whole table");
    expect(p.diagnostics[0].suggestedIndex).toEqual({ model: 'User', fields: ['name'] });
  });

  it('scan-required fix includes the order field as the sort key', () => {
    const p = plan('user', 'findMany', { where: { name: 'Ann' }, orderBy: { createdAt: 'desc' } });
    expect(p.diagnostics.find((d) => d.code === 'scan-required')?.suggestedIndex).toEqual({ model: 'User', fields: ['name', 'createdAt'] });
  });
});

describe('sparse-index rule: a GSI over a nullable field lacks the rows where it is null', () => {
  it('partition fixed but nullable sort field unconstrained → the sparse GSI is not used (it would drop drafts)', () => {
    const p = plan('post', 'findMany', { where: { authorId: ID } });
    expect(codes(p)).toEqual(['scan-required']);
    expect(p.diagnostics[0].message).toContain('Post_authorId_publishedAt_idx cannot serve this filter');
    expect(p.diagnostics[0].message).toContain('Post.publishedAt is nullable');
    expect(p.diagnostics[0].fix).toContain("add index('authorId') to Post (over non-nullable fields)");
    expect(p.diagnostics[0].suggestedIndex).toEqual({ model: 'Post', fields: ['authorId'] });
  });

  it.each([
    ['a range', { authorId: ID, publishedAt: { gte: new Date(0) } }],
    ['not null', { authorId: ID, publishedAt: { not: null } }],
    ['isNull: false', { authorId: ID, publishedAt: { isNull: false } }],
    ['equality', { authorId: ID, publishedAt: new Date(5) }],
  ])('the filter guarantees the sort field non-null (%s) → the GSI serves the Query', (_, where) => {
    const p = plan('post', 'findMany', { where, orderBy: { publishedAt: 'desc' } });
    expect(errors(p)).toEqual([]);
    const op = kv(p);
    expect(op.kind === 'Query' && op.index).toBe('Post_authorId_publishedAt_idx');
  });

  it('with a plain index on the foreign key the same filter is a Query on it', () => {
    const p = plan('post', 'findMany', { where: { authorId: ID } }, blogIndexed);
    expect(errors(p)).toEqual([]);
    expect(kv(p).kind === 'Query' && (kv(p) as { index: string }).index).toBe('Post_authorId_idx');
  });

  it('ordering by the nullable sort field without a non-null filter is not servable either', () => {
    const p = plan('post', 'findMany', { where: { authorId: ID }, orderBy: { publishedAt: 'desc' } }, blogIndexed);
    expect(codes(p)).toEqual(['order-unsupported']);
    expect(p.diagnostics[0].fix).toContain('publishedAt: { not: null }');
  });
});

describe('diagnostics', () => {
  it('order-unsupported: orderBy not on the chosen index sort key, fix names the index', () => {
    const p = plan('post', 'findMany', { where: { status: 'draft' }, orderBy: { title: 'asc' } });
    expect(codes(p)).toEqual(['order-unsupported']);
    expect(p.diagnostics[0].fix).toBe("add index('status', 'title') to Post");
    expect(p.diagnostics[0].suggestedIndex).toEqual({ model: 'Post', fields: ['status', 'title'] });
  });

  it('a partition `in` list is one Query per partition: no single order', () => {
    const ok = plan('post', 'findMany', { where: { status: { in: ['draft', 'published'] } } });
    expect(errors(ok)).toEqual([]);
    expect(text(ok)).toBe('Query Post index Post_status_createdAt_idx key(status = :v0) asc per status');
    const p = plan('post', 'findMany', { where: { status: { in: ['draft', 'published'] } }, orderBy: { createdAt: 'asc' } });
    expect(codes(p)).toEqual(['order-unsupported']);
  });

  it('order on an equality-fixed field is trivially satisfied', () => {
    const p = plan('post', 'findMany', { where: { status: 'draft' }, orderBy: [{ status: 'asc' }, { createdAt: 'desc' }] });
    expect(errors(p)).toEqual([]);
  });

  it('order-unsupported on a Scan and on BatchGetItem', () => {
    expect(codes(plan('post', 'findMany', { orderBy: { title: 'asc' }, allowScan: true }))).toEqual(['order-unsupported']);
    expect(codes(plan('post', 'findMany', { where: { id: { in: [ID] } }, orderBy: { title: 'asc' } }))).toEqual(['order-unsupported']);
  });

  it('operator-unsupported: endsWith, with the startsWith fix', () => {
    const p = plan('post', 'findMany', { where: { status: 'draft', title: { endsWith: 'x' } } });
    expect(codes(p)).toEqual(['operator-unsupported']);
    expect(p.diagnostics[0].fix).toContain('use startsWith instead of endsWith');
  });

  it("operator-unsupported: mode: 'insensitive'", () => {
    const p = plan('post', 'findMany', { where: { status: 'draft', title: { equals: 'x', mode: 'insensitive' } } });
    expect(codes(p)).toEqual(['operator-unsupported']);
    expect(p.diagnostics[0].fix).toContain('lowercased copy of title');
  });

  it('operator-unsupported: a range on a decimal (stored as S)', () => {
    const p = plan('post', 'findMany', { where: { status: 'draft', price: { gt: '1.5' } } });
    expect(codes(p)).toEqual(['operator-unsupported']);
  });

  it('relation-filter-unsupported: some/every/none/is', () => {
    const p = plan('user', 'findMany', { where: { id: ID, posts: { some: { title: 'x' } } } });
    expect(codes(p)).toEqual(['relation-filter-unsupported']);
    expect(p.diagnostics[0].fix).toContain('filter by its keys with { in: [...] }');
    expect(codes(plan('post', 'findMany', { where: { id: ID, author: { is: { name: 'x' } } } }))).toEqual(['relation-filter-unsupported']);
  });

  it('count-requires-scan without a pinned partition; Query Select=COUNT when pinned; Scan COUNT with allowScan', () => {
    const p = plan('post', 'count', { where: { title: 'x' } });
    expect(codes(p)).toEqual(['count-requires-scan']);
    expect(p.diagnostics[0].fix).toContain('pass allowScan: true');
    const q = plan('post', 'count', { where: { status: 'draft' } });
    expect(errors(q)).toEqual([]);
    expect(kv(q).kind === 'Query' && (kv(q) as { select: string }).select).toBe('count');
    const s = plan('post', 'count', { allowScan: true });
    expect(s.diagnostics).toEqual([]);
    expect(text(s)).toBe('Scan Post select COUNT (reads the whole table)');
  });

  it('offset-emulated warning with the cursor fix', () => {
    const p = plan('post', 'findMany', { where: { status: 'draft' }, offset: 10 });
    expect(codes(p)).toEqual(['offset-emulated']);
    expect(p.diagnostics[0].severity).toBe('warning');
    expect(p.diagnostics[0].fix).toContain('paginate');
  });

  it('fanout: an OR over keys becomes one request per branch', () => {
    const p = plan('post', 'findMany', { where: { OR: [{ id: ID }, { id: ID2 }] } });
    expect(kinds(p)).toEqual(['GetItem', 'GetItem']);
    expect(codes(p)).toEqual(['fanout']);
    expect(p.diagnostics[0].severity).toBe('warning');
    const mixed = plan('post', 'findMany', { where: { OR: [{ id: ID }, { status: 'draft' }] } });
    expect(kinds(mixed)).toEqual(['GetItem', 'Query']);
  });

  it('an OR with a branch no key serves is scan-required', () => {
    expect(codes(plan('post', 'findMany', { where: { OR: [{ id: ID }, { title: 'x' }] } }))).toEqual(['scan-required']);
  });

  it('index-missing: hasMany include whose foreign key has no usable GSI, naming the index', () => {
    const p = plan('user', 'findUnique', { where: { id: ID }, include: { posts: true } });
    const d = p.diagnostics.find((x) => x.code === 'index-missing')!;
    expect(d.severity).toBe('error');
    expect(d.fix).toBe("add index('authorId') to Post");
    expect(d.suggestedIndex).toEqual({ model: 'Post', fields: ['authorId'] });
    expect(d.message).toContain('Post_authorId_publishedAt_idx cannot');
  });

  it('interactive-transaction-unsupported and batch-too-large carry fixes', () => {
    const t = interactiveTransactionDiagnostic(dynamodbTarget);
    expect(t.code).toBe('interactive-transaction-unsupported');
    expect(t.fix).toContain('db.batch');
    const b = batchTooLargeDiagnostic('dynamodb', 'dynamodb', 101, 101, 100);
    expect(b.code).toBe('batch-too-large');
    expect(b.severity).toBe('error');
    expect(b.fix).toContain('at most 100');
  });
});

describe('includes', () => {
  it('belongsTo → one BatchGetItem of the distinct keys, then Merge', () => {
    const p = plan('post', 'findMany', { where: { status: 'draft' }, include: { author: true } });
    expect(kinds(p)).toEqual(['Query', 'BatchGetItem', 'Merge']);
    expect(text(p).split('\n')[1]).toBe('BatchGetItem User keys(id IN ...<parent authorId>) in chunks of 100 [include author]');
  });

  it('hasMany → a Query per parent on the foreign-key GSI; nested includes follow', () => {
    const p = plan(
      'user',
      'findUnique',
      { where: { id: ID }, include: { posts: { include: { comments: { orderBy: { createdAt: 'desc' }, limit: 3 } } } } },
      blogIndexed,
    );
    expect(errors(p)).toEqual([]);
    expect(kinds(p)).toEqual(['GetItem', 'Query', 'Merge', 'Query', 'Merge']);
    expect(text(p).split('\n')[3]).toBe(
      'Query Comment index Comment_postId_createdAt_idx key(postId = <parent id>) desc limit :v2 per parent [include posts.comments]',
    );
  });

  it('include orderBy not on the GSI sort key → order-unsupported naming the index', () => {
    const p = plan('post', 'findUnique', { where: { id: ID }, include: { comments: { orderBy: { body: 'asc' } } } });
    expect(codes(p)).toEqual(['order-unsupported']);
    expect(p.diagnostics[0].fix).toBe("add index('postId', 'body') to Comment");
  });
});

describe('paginate', () => {
  it('forward reads in the order direction; backward flips it', () => {
    const fwd = plan('post', 'paginate', { where: { status: 'draft' }, orderBy: { createdAt: 'desc' }, first: 10 });
    expect((kv(fwd) as { direction: string }).direction).toBe('backward');
    const back = plan('post', 'paginate', { where: { status: 'draft' }, orderBy: { createdAt: 'desc' }, last: 10 });
    expect((kv(back) as { direction: string }).direction).toBe('forward');
    expect(errors(back)).toEqual([]);
  });

  it('a Scan cannot page backwards', () => {
    expect(codes(plan('post', 'paginate', { last: 5, allowScan: true }))).toEqual(['order-unsupported']);
  });
});

describe('writes', () => {
  it('create without unique fields is one PutItem under attribute_not_exists', () => {
    const p = plan('post', 'create', { data: { authorId: ID, title: 't' } });
    expect(kinds(p)).toEqual(['PutItem']);
    expect(text(p)).toBe('PutItem Post item :v0 if attribute_not_exists(id)');
  });

  it('create with a unique field writes its index entry in the same TransactWriteItems', () => {
    const p = plan('user', 'create', { data: { email: 'a@x.io', name: 'A' } });
    expect(kinds(p)).toEqual(['TransactWrite']);
    expect(text(p)).toContain('+ unique entries User_email_key(email)');
  });

  it('update by key: UpdateItem with the version increment; a pinned version becomes a condition', () => {
    const p = plan('post', 'update', { where: { id: ID, version: 3 }, data: { title: 'n' } });
    expect(kinds(p)).toEqual(['UpdateItem']);
    expect(text(p)).toBe('UpdateItem Post key(id = :v0) SET title = :v2, version = version + 1 if attribute_exists(id) AND version = :v1');
  });

  it('update touching a unique field reads the current item, then moves the entry in one transaction', () => {
    const p = plan('user', 'update', { where: { email: 'a@x.io' }, data: { email: 'b@x.io' } });
    expect(kinds(p)).toEqual(['GetItem', 'GetItem', 'TransactWrite']);
    expect(kv(p, 1).step).toEqual({ role: 'existing' });
  });

  it('updateMany/deleteMany: read the keys by the access path, then write; no path → scan-required', () => {
    const u = plan('post', 'updateMany', { where: { status: 'draft' }, data: { title: 'x' } });
    expect(kinds(u)).toEqual(['Query', 'TransactWrite']);
    expect(errors(u)).toEqual([]);
    expect(codes(plan('post', 'deleteMany', {}))).toEqual(['scan-required']);
    // The Query reads each deleted post's comments: onDelete restrict (the default) refuses while any exist.
    expect(kinds(plan('post', 'deleteMany', { allowScan: true }))).toEqual(['Scan', 'Query', 'TransactWrite']);
  });

  it('delete of a model with unique fields deletes the entries in the same transaction', () => {
    const p = plan('user', 'delete', { where: { id: ID } });
    expect(kinds(p)).toEqual(['GetItem', 'TransactWrite']);
    // A post has comments pointing at it (onDelete restrict): the current item, a Query for them, then the write.
    expect(kinds(plan('post', 'delete', { where: { id: ID } }))).toEqual(['GetItem', 'Query', 'TransactWrite']);
    expect(plan('post', 'delete', { where: { id: ID } }).operations[1]).toMatchObject({
      model: 'comment',
      step: { role: 'dependents', parentModel: 'post', fields: ['postId'], onDelete: 'restrict' },
    });
  });

  it('upsert: lookup, current item, then a create-or-update transaction', () => {
    const p = plan('user', 'upsert', { where: { email: 'a@x.io' }, create: { email: 'a@x.io', name: 'A' }, update: { name: 'B' } });
    expect(kinds(p)).toEqual(['GetItem', 'GetItem', 'TransactWrite']);
  });
});

describe('schema check', () => {
  it('a hasMany whose foreign key has no usable index is index-missing, naming the index to add', () => {
    const ds = checkKvSchema(blog.def);
    expect(ds).toHaveLength(1);
    expect(ds[0].code).toBe('index-missing');
    expect(ds[0].model).toBe('Post');
    expect(ds[0].fix).toBe("add index('authorId') to Post");
    expect(checkKvSchema(blogIndexed.def)).toEqual([]);
    expect(dynamodbTarget.checkSchema(blogIndexed.def)).toEqual([]);
  });

  it('createClient and push raise it as a SchemaError with the code and the fix, before any I/O', async () => {
    // Port 9 (discard): nothing answers there, so any request would fail differently.
    const driver = () => dynamodb({ endpoint: 'http://127.0.0.1:9', region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    for (const attempt of [() => createClient({ schema: blog, driver: driver() }), () => driver().push(blog.def)]) {
      const e = await attempt().then(
        () => null,
        (x) => x,
      );
      expect(e).toBeInstanceOf(SchemaError);
      expect((e as SchemaError).code).toBe('index-missing');
      expect((e as SchemaError).fix).toBe("add index('authorId') to Post");
    }
  });
});
