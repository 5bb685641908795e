// The one gate for batches and transactions (src/plan/gate.ts), offline: what the client throws
// and what lint reports come from these functions. No server.
import { describe, expect, it } from 'vitest';
import { planOffline, type Plan } from 'quern';
import { dynamodbTarget } from 'quern/dynamodb';
import { postgresTarget } from 'quern/postgres';
import { planBatch, planTransaction } from '../../src/plan/gate.js';
import { blog } from './kv-plan-fixtures.js';

const ID = '018f2b4e-7a3c-7cde-8f00-0123456789ab';
const codes = (ds: readonly { code: string }[]) => ds.map((d) => d.code);
const createUser = (target = dynamodbTarget): Plan => planOffline(blog, 'user', 'create', { data: { email: 'a@x.io', name: 'A' } }, target);
const createComment = (target = dynamodbTarget): Plan => planOffline(blog, 'comment', 'create', { data: { postId: ID, body: 'b' } }, target);

describe('planTransaction', () => {
  it('refuses db.transaction where the target has no interactive transactions, with a fix naming db.batch', () => {
    const [d, ...rest] = planTransaction(dynamodbTarget);
    expect(rest).toEqual([]);
    expect(d.code).toBe('interactive-transaction-unsupported');
    expect(d.severity).toBe('error');
    expect(d.driver).toBe('dynamodb');
    expect(d.fix).toContain('db.batch');
    expect(d.fix).toContain('100 items');
  });

  it('lets it through where the target has them', () => {
    expect(planTransaction(postgresTarget)).toEqual([]);
  });
});

describe('planBatch', () => {
  it('counts queries against maxAtomicBatch: 100 pass, 101 are batch-too-large', () => {
    expect(planBatch(blog.def, dynamodbTarget, [{ plan: createComment(), times: 100 }])).toEqual([]);
    const refused = planBatch(blog.def, dynamodbTarget, [{ plan: createComment(), times: 101 }]);
    expect(codes(refused)).toEqual(['batch-too-large']);
    expect(refused[0].message).toContain('101 queries');
    expect(refused[0].fix).toContain('at most 100');
  });

  it('counts the unique-index entry every create of a required unique field writes', () => {
    // 60 users: 120 items (row + email entry).
    const refused = planBatch(blog.def, dynamodbTarget, [{ plan: createUser(), times: 60 }]);
    expect(codes(refused)).toEqual(['batch-too-large']);
    expect(refused[0].message).toMatch(/60 queries \(120 items/);
    expect(planBatch(blog.def, dynamodbTarget, [{ plan: createUser(), times: 50 }])).toEqual([]);
  });

  it('does not count entries a write may not touch: an update of a unique field may set the value it already has', () => {
    const update = planOffline(blog, 'user', 'update', { where: { id: ID }, data: { email: 'b@x.io' } }, dynamodbTarget);
    expect(planBatch(blog.def, dynamodbTarget, [{ plan: update, times: 60 }])).toEqual([]);
  });

  it('a member whose plan is unknown counts as one query', () => {
    expect(codes(planBatch(blog.def, dynamodbTarget, [{ plan: null, times: 101 }]))).toEqual(['batch-too-large']);
    expect(planBatch(blog.def, dynamodbTarget, [{ plan: null, times: 100 }])).toEqual([]);
  });

  it('refuses createMany({ skipDuplicates }) as an item on a key-value target only', () => {
    const skip = (target = dynamodbTarget) => planOffline(blog, 'comment', 'createMany', { data: [{ postId: ID, body: 'b' }], skipDuplicates: true }, target);
    expect(codes(planBatch(blog.def, dynamodbTarget, [{ plan: skip(), times: 1 }]))).toEqual(['batch-item-unsupported']);
    expect(planBatch(blog.def, postgresTarget, [{ plan: skip(postgresTarget), times: 1 }])).toEqual([]);
  });

  it('a target without an atomic limit takes a batch of any size', () => {
    expect(planBatch(blog.def, postgresTarget, [{ plan: createUser(postgresTarget), times: 10_000 }])).toEqual([]);
  });
});
