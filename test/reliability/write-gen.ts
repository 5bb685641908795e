/**
 * Random writes over the blog schema: create, createMany (with and without
 * skipDuplicates), update (by key, by unique field, version-pinned with a
 * right or a stale version, every update operator), updateMany, upsert,
 * delete, deleteMany and atomic batches. Generated from the current state
 * (read back from the oracle before each step) so that they respect foreign
 * keys — PostgreSQL enforces them, DynamoDB has none, and a write that only
 * one target refuses would say nothing about quern.
 *
 * Collisions are wanted: ids and emails come from small pools, so duplicates,
 * missing rows and lost version races happen often, and both targets must
 * report them with the same error.
 */
import { uuidOf, type Rng } from './random.js';
import { NAMES, T0, TAGS, WORDS } from './blog-data.js';
import { on, type LooseDb } from './targets.js';

export interface State {
  users: { id: string; email: string }[];
  posts: { id: string; authorId: string; version: number }[];
  comments: { id: string; postId: string; authorId: string }[];
  profiles: { userId: string }[];
}

export type WriteOp =
  | { readonly kind: 'call'; readonly model: string; readonly method: string; readonly args: Record<string, unknown> }
  | { readonly kind: 'batch'; readonly items: readonly Extract<WriteOp, { kind: 'call' }>[] };

export async function readState(db: LooseDb): Promise<State> {
  const all = (m: string, select: Record<string, true>) => on(db, m).findMany({ allowScan: true, select }) as PromiseLike<Record<string, unknown>[]>;
  const [users, posts, comments, profiles] = await Promise.all([
    all('user', { id: true, email: true }),
    all('post', { id: true, authorId: true, version: true }),
    all('comment', { id: true, postId: true, authorId: true }),
    all('profile', { userId: true }),
  ]);
  return { users, posts, comments, profiles } as unknown as State;
}

const USER_IDS = Array.from({ length: 16 }, (_, i) => uuidOf(11, i + 1));
const POST_IDS = Array.from({ length: 24 }, (_, i) => uuidOf(12, i + 1));
const COMMENT_IDS = Array.from({ length: 24 }, (_, i) => uuidOf(13, i + 1));
const EMAILS = ['a@x.io', 'b@x.io', 'c@x.io', 'd@x.io', 'e@x.io', 'f@x.io', 'A@x.io', 'ü@x.io', "o'b@x.io", '😀@x.io'];

export class WriteGen {
  private clock = 0;
  constructor(private readonly r: Rng) {}

  /** A distinct instant per created row: createdAt is compared across targets. */
  private at(): Date {
    return new Date(T0 + 50_000_000 + ++this.clock * 1000);
  }

  private userData(id = this.r.pick(USER_IDS), email = this.r.pick(EMAILS)) {
    return { id, email, name: this.r.pick(NAMES), age: this.r.chance(0.3) ? null : this.r.int(1, 90), createdAt: this.at() };
  }

  private postData(s: State, id = this.r.pick(POST_IDS)) {
    return {
      id,
      authorId: this.r.pick(s.users).id,
      title: `${this.r.pick(WORDS)} ${this.r.pick(WORDS)}`.trim(),
      status: this.r.pick(['draft', 'published']),
      tags: this.r.some(TAGS, 3),
      publishedAt: this.r.chance(0.4) ? null : new Date(T0 + this.r.int(0, 10_000) * 60_000),
      createdAt: this.at(),
    };
  }

  private noDependents(s: State, userId: string): boolean {
    return !s.posts.some((p) => p.authorId === userId) && !s.comments.some((c) => c.authorId === userId) && !s.profiles.some((p) => p.userId === userId);
  }

  /** One write (a call, or a batch of calls on distinct rows). */
  next(s: State): WriteOp {
    if (this.r.chance(0.2)) return this.batch(s);
    return this.call(s, false);
  }

  private batch(s: State): WriteOp {
    if (this.r.chance(0.5)) return this.ownWritesBatch(s);
    const items: Extract<WriteOp, { kind: 'call' }>[] = [];
    const touched = new Set<string>();
    // Single-row writes on distinct rows; ownWritesBatch makes the batches whose items depend on each other.
    for (let tries = 0; items.length < this.r.int(2, 4) && tries < 20; tries++) {
      const op = this.call(s, true);
      if (op.kind !== 'call') continue;
      // Distinct rows and unique values: DynamoDB cannot write one item twice in a transaction (a documented limit).
      const ids = touchedBy(op, s);
      if (ids.some((x) => touched.has(x))) continue;
      ids.forEach((x) => touched.add(x));
      items.push(op);
    }
    return { kind: 'batch', items };
  }

  /**
   * A batch whose later items must see its earlier ones (read-your-writes): creates with fresh
   * keys, sometimes an update of a stored row, then an update/delete by key of a created row or an
   * updateMany/deleteMany whose where is drawn to match the created rows (or the updated one).
   * PostgreSQL runs them in order; DynamoDB must agree, or refuse with batch-item-unsupported.
   */
  private ownWritesBatch(s: State): WriteOp {
    const r = this.r;
    const c = (model: string, method: string, args: Record<string, unknown>) => ({ kind: 'call' as const, model, method, args });
    const fresh = (pool: string[], taken: { id: string }[]) =>
      r.some(
        pool.filter((id) => !taken.some((x) => x.id === id)),
        3,
      );
    const items: Extract<WriteOp, { kind: 'call' }>[] = [];
    const model = !s.users.length || !s.posts.length ? 'user' : r.pick(['post', 'post', 'user', 'comment']);
    const ids = [
      ...new Set(
        fresh(model === 'user' ? USER_IDS : model === 'post' ? POST_IDS : COMMENT_IDS, model === 'user' ? s.users : model === 'post' ? s.posts : s.comments),
      ),
    ];
    if (!ids.length) return this.call(s, false);
    // Distinct emails within the batch: two claims of one value would be one item written twice,
    // which DynamoDB refuses loudly where PostgreSQL reports the duplicate.
    const emails = [...EMAILS].sort(() => r() - 0.5);
    const made = ids.map((id, i) => {
      if (model === 'user') return this.userData(id, emails[i]);
      if (model === 'post') return this.postData(s, id);
      return { id, postId: r.pick(s.posts).id, authorId: r.pick(s.users).id, body: `${r.pick(WORDS)} ${r.int(0, 9)}`, createdAt: this.at() };
    }) as Record<string, unknown>[];
    if (made.length > 1 && r.chance(0.5)) items.push(c(model, 'createMany', { data: made }));
    else for (const d of made) items.push(c(model, 'create', { data: d }));
    const one = r.pick(made);
    if (model === 'post' && r.chance(0.4)) {
      const p = r.pick(s.posts);
      items.push(c('post', 'update', { where: { id: p.id }, data: { status: r.pick(['draft', 'published']), title: `${r.pick(WORDS)}?` } }));
    }
    const edit = model === 'user' ? { name: r.pick(NAMES) } : model === 'post' ? { title: 'edited' } : { body: 'edited' };
    const bulk = model === 'user' ? { age: { increment: 1 } } : model === 'post' ? { status: 'published', tags: { push: 'seen' } } : { body: 'bulk' };
    const field = r.pick(model === 'user' ? ['name', 'age'] : model === 'post' ? ['authorId', 'status'] : ['postId', 'authorId']);
    const where = { [field]: one[field] ?? null };
    switch (r.int(0, 4)) {
      case 0:
        items.push(c(model, 'update', { where: { id: one.id }, data: edit }));
        break;
      case 1:
        items.push(c(model, 'delete', { where: { id: one.id } }));
        break;
      case 2:
        items.push(c(model, 'deleteMany', { where, allowScan: true }));
        break;
      default:
        items.push(c(model, 'updateMany', { where, data: bulk, allowScan: true }));
        break;
    }
    return { kind: 'batch', items };
  }

  private call(s: State, inBatch: boolean): Extract<WriteOp, { kind: 'call' }> {
    const r = this.r;
    const c = (model: string, method: string, args: Record<string, unknown>) => ({ kind: 'call' as const, model, method, args });
    const userWhere = () => (r.chance(0.5) || !s.users.length ? { id: r.pick(USER_IDS) } : { email: r.chance(0.8) ? r.pick(s.users).email : r.pick(EMAILS) });
    const choice = r.int(0, inBatch ? 9 : 16);
    if (!s.users.length && choice > 1) return c('user', 'create', { data: this.userData() });
    switch (choice) {
      case 0:
      case 1:
        return c('user', 'create', { data: this.userData() });
      case 2: {
        const data: Record<string, unknown> = {};
        if (r.chance(0.6)) data.name = r.pick(NAMES);
        if (r.chance(0.4)) data.age = r.pick([null, r.int(1, 90), { increment: r.int(1, 3) }, { decrement: 1 }, { set: r.int(1, 5) }]);
        if (r.chance(0.3)) data.email = r.pick(EMAILS);
        if (!Object.keys(data).length) data.name = r.pick(NAMES);
        return c('user', 'update', { where: userWhere(), data });
      }
      case 3: {
        const email = r.chance(0.7) && s.users.length ? r.pick(s.users).email : r.pick(EMAILS);
        return c('user', 'upsert', {
          where: { email },
          create: this.userData(r.pick(USER_IDS), email),
          update: { name: r.pick(NAMES), age: { increment: 1 } },
        });
      }
      case 4: {
        if (!s.posts.length || r.chance(0.3)) return c('post', 'create', { data: this.postData(s) });
        const p = r.pick(s.posts);
        const data: Record<string, unknown> = {};
        if (r.chance(0.5)) data.title = `${r.pick(WORDS)}!`;
        if (r.chance(0.4)) data.tags = r.pick([{ push: r.pick(TAGS) }, { push: [r.pick(TAGS), r.pick(TAGS)] }, [], [r.pick(TAGS)]]);
        if (r.chance(0.3)) data.publishedAt = r.chance(0.5) ? null : new Date(T0 + r.int(0, 99) * 1000);
        if (r.chance(0.3)) data.status = r.pick(['draft', 'published']);
        if (!Object.keys(data).length) data.title = 'untitled';
        // Version-pinned: the current version (wins), or a stale one (ConcurrencyError on both).
        const where: Record<string, unknown> = { id: r.chance(0.9) ? p.id : r.pick(POST_IDS) };
        if (r.chance(0.5)) where.version = r.chance(0.7) ? p.version : p.version - 1;
        return c('post', 'update', { where, data });
      }
      case 5:
        return c('post', 'create', { data: this.postData(s) });
      case 6: {
        if (!s.posts.length) return c('post', 'create', { data: this.postData(s) });
        const p = r.pick(s.posts);
        return c('comment', 'create', {
          data: { id: r.pick(COMMENT_IDS), postId: p.id, authorId: r.pick(s.users).id, body: `${r.pick(WORDS)} ${r.int(0, 9)}`, createdAt: this.at() },
        });
      }
      case 7: {
        if (!s.comments.length) return c('user', 'create', { data: this.userData() });
        return c('comment', 'delete', { where: { id: r.chance(0.85) ? r.pick(s.comments).id : r.pick(COMMENT_IDS) } });
      }
      case 8: {
        // A post without comments (a comment's foreign key would stop PostgreSQL only).
        const free = s.posts.filter((p) => !s.comments.some((cm) => cm.postId === p.id));
        if (!free.length) return c('post', 'create', { data: this.postData(s) });
        const p = r.pick(free);
        const where: Record<string, unknown> = { id: p.id };
        if (r.chance(0.3)) where.version = r.chance(0.6) ? p.version : p.version + 1;
        return c('post', 'delete', { where });
      }
      case 9: {
        const u = r.pick(s.users);
        const has = s.profiles.some((p) => p.userId === u.id);
        if (has && r.chance(0.5))
          return c('profile', 'update', {
            where: { userId: u.id },
            data: { website: r.chance(0.5) ? null : `https://${r.pick(WORDS)}.example`, bio: r.pick(WORDS) },
          });
        return c('profile', 'upsert', {
          where: { userId: u.id },
          create: { userId: u.id, bio: r.pick(WORDS), website: null },
          update: { bio: `${r.pick(WORDS)}+` },
        });
      }
      case 10: {
        const free = s.users.filter((u) => this.noDependents(s, u.id));
        if (!free.length) return c('user', 'create', { data: this.userData() });
        const u = r.pick(free);
        return c('user', 'delete', { where: r.chance(0.5) ? { id: u.id } : { email: u.email } });
      }
      case 11:
        return c('user', 'createMany', {
          data: Array.from({ length: r.int(1, 4) }, () => this.userData()),
          ...(r.chance(0.5) ? { skipDuplicates: true } : {}),
        });
      case 12:
        return c('post', 'createMany', {
          data: Array.from({ length: r.int(1, 4) }, () => this.postData(s)),
          ...(r.chance(0.5) ? { skipDuplicates: true } : {}),
        });
      case 13:
        return c('user', 'updateMany', {
          where: r.pick([{ age: { lt: r.int(10, 60) } }, { name: r.pick(NAMES) }, { age: null }, { email: { startsWith: r.pick(['a', 'b', 'ü', 'A']) } }]),
          data: r.pick([{ name: r.pick(NAMES) }, { age: { increment: 1 } }, { age: r.int(1, 9) }]),
          allowScan: true,
        });
      case 14:
        return c('post', 'updateMany', {
          where: r.pick([{ status: r.pick(['draft', 'published']) }, { tags: { has: r.pick(TAGS) } }, { authorId: r.pick(s.users).id }, { publishedAt: null }]),
          data: r.pick([{ status: r.pick(['draft', 'published']) }, { tags: { push: r.pick(TAGS) } }, { title: r.pick(WORDS) || 'x' }]),
          allowScan: true,
        });
      case 15: {
        const gone = s.comments.length ? r.pick(s.comments).postId : r.pick(POST_IDS);
        return c('comment', 'deleteMany', { where: r.pick([{ postId: gone }, { body: { startsWith: r.pick(WORDS).slice(0, 2) } }]), allowScan: true });
      }
      default: {
        const free = s.users.filter((u) => this.noDependents(s, u.id)).map((u) => u.id);
        const absent = USER_IDS.filter((id) => !s.users.some((u) => u.id === id));
        return c('user', 'deleteMany', { where: { id: { in: [...r.some(free, 2), ...r.some(absent, 1)] } }, allowScan: true });
      }
    }
  }
}

/**
 * Row identities and unique values an op touches, resolved through the state (an email names
 * the row that holds it), to keep a batch's items on distinct rows and distinct unique values.
 */
function touchedBy(op: Extract<WriteOp, { kind: 'call' }>, s: State): string[] {
  const a = op.args as { data?: Record<string, unknown>; where?: Record<string, unknown>; create?: Record<string, unknown> };
  const out: string[] = [];
  const user = (id: unknown) => `user:${String(id)}`;
  for (const o of [a.data, a.where, a.create]) {
    if (!o || Array.isArray(o)) continue;
    if (typeof o.id === 'string') out.push(`${op.model}:${o.id}`);
    if (op.model === 'profile' && typeof o.userId === 'string') out.push(`profile:${o.userId}`);
    if (typeof o.postId === 'string') out.push(`post:${o.postId}`);
    if (op.model === 'user' && typeof o.email === 'string') {
      out.push(`email:${o.email}`);
      const holder = s.users.find((u) => u.email === o.email);
      if (holder) out.push(user(holder.id));
    }
  }
  return out;
}
