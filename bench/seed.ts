/**
 * Fixed seed data: the same rows on every run, so figures from different runs
 * compare. Ids are valid UUIDv7 strings built from counters (no clock, no
 * randomness); everything else comes from the index.
 */
export interface UserRow {
  id: string;
  email: string;
  name: string;
  age: number | null;
  createdAt: Date;
}
export interface PostRow {
  id: string;
  authorId: string;
  title: string;
  status: 'draft' | 'published';
  views: number;
  publishedAt: Date;
  version: number;
}
export interface ItemRow {
  id: string;
  seq: number;
  category: string;
  label: string;
  score: number;
  price: string;
  active: boolean;
  tags: string[];
  createdAt: Date;
  note: string | null;
}
/** Without an id: each contender generates UUIDv7 ids itself, as an application would. */
export interface EventRow {
  userId: string;
  kind: string;
  amount: number;
  note: string;
  at: Date;
}

const BASE = Date.UTC(2024, 0, 1);
const MINUTE = 60_000;

/** A UUIDv7-shaped id: `ns` tells the models apart, `i` the rows. */
export function benchId(ns: number, i: number): string {
  return `01900000-${ns.toString(16).padStart(4, '0')}-7000-8000-${i.toString(16).padStart(12, '0')}`;
}

export const POSTS_PER_USER = 10;
export const CATEGORIES = 10;

export function users(n: number): UserRow[] {
  return Array.from({ length: n }, (_, i) => ({
    id: benchId(1, i),
    email: `user${i}@bench.quern.dev`,
    name: `User ${i}`,
    age: i % 7 === 0 ? null : 18 + (i % 60),
    createdAt: new Date(BASE + i * MINUTE),
  }));
}

/** POSTS_PER_USER posts per user; half of each user's posts are published. */
export function posts(nUsers: number): PostRow[] {
  const out: PostRow[] = [];
  for (let u = 0; u < nUsers; u++) {
    for (let k = 0; k < POSTS_PER_USER; k++) {
      const i = u * POSTS_PER_USER + k;
      out.push({
        id: benchId(2, i),
        authorId: benchId(1, u),
        title: `Post ${i} by user ${u}`,
        status: k % 2 === 0 ? 'published' : 'draft',
        views: (i * 37) % 1000,
        publishedAt: new Date(BASE + i * MINUTE),
        version: 1,
      });
    }
  }
  return out;
}

export function items(n: number, ns = 3): ItemRow[] {
  return Array.from({ length: n }, (_, i) => item(i, ns));
}

export function item(i: number, ns = 3): ItemRow {
  return {
    id: benchId(ns, i),
    seq: i,
    category: `c${i % CATEGORIES}`,
    label: `item-${i}`,
    score: (i % 1000) / 7,
    price: `${(i % 500) + 1}.${String(i % 100).padStart(2, '0')}`,
    active: i % 2 === 0,
    tags: i % 3 === 0 ? ['red', 'blue'] : ['green'],
    createdAt: new Date(BASE + i * 1000),
    note: i % 4 === 0 ? null : `note ${i}`,
  };
}

/** A batch of 1,000 events for one insert. */
export function events(batch: number, n = 1000): EventRow[] {
  return Array.from({ length: n }, (_, k) => {
    const i = batch * n + k;
    return {
      userId: benchId(1, i % 1000),
      kind: k % 3 === 0 ? 'click' : 'view',
      amount: k,
      note: `event ${i}`,
      at: new Date(BASE + i * 1000),
    };
  });
}
