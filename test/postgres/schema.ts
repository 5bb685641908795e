/**
 * A schema for the PostgreSQL-specific tests: every field kind (and lists of
 * them), nullable order fields, every relation kind, a composite key and a
 * composite unique.
 */
import { belongsTo, defineSchema, f, hasMany, hasOne, index, model, unique } from 'quern';

export const Account = model('Account', {
  id: f.uuid().key().auto(),
  handle: f.string({ maxLength: 40 }).unique(),
  name: f.string(),
  score: f.int().nullable(),
  balance: f.bigint().nullable(),
  price: f.decimal().nullable(),
  ratio: f.float().nullable(),
  born: f.date().nullable(),
  active: f.boolean().default(true),
  meta: f.json().nullable(),
  role: f.enum(['admin', 'member']).default('member'),
  tags: f.list(f.string()).default([]),
  nums: f.list(f.bigint()).default([]),
  days: f.list(f.date()).default([]),
  times: f.list(f.timestamp()).default([]),
  createdAt: f.timestamp().createdAt(),
  updatedAt: f.timestamp().updatedAt(),
  version: f.int().version(),
});

export const Note = model(
  'Note',
  {
    id: f.uuid().key().auto(),
    accountId: f.uuid(),
    title: f.string(),
    body: f.text().nullable(),
    rank: f.int().nullable(),
    amount: f.decimal().nullable(),
    big: f.bigint().nullable(),
    at: f.timestamp().nullable(),
    day: f.date().nullable(),
  },
  { indexes: [index('accountId', 'rank')] },
);

export const Remark = model(
  'Remark',
  {
    id: f.uuid().key().auto(),
    noteId: f.uuid(),
    text: f.string(),
    seq: f.int(),
  },
  { indexes: [index('noteId', 'seq')] },
);

export const Profile = model('Profile', {
  id: f.uuid().key().auto(),
  accountId: f.uuid().unique(),
  bio: f.text().nullable(),
});

export const Membership = model(
  'Membership',
  {
    org: f.string(),
    accountId: f.uuid(),
    role: f.enum(['owner', 'member']),
  },
  { key: ['org', 'accountId'], uniques: [unique('accountId', 'role')] },
);

export const pgSchema = defineSchema(
  { account: Account, note: Note, remark: Remark, profile: Profile, membership: Membership },
  {
    relations: {
      account: { notes: hasMany('note', 'accountId'), profile: hasOne('profile', 'accountId'), memberships: hasMany('membership', 'accountId') },
      note: { account: belongsTo('account', 'accountId'), remarks: hasMany('remark', 'noteId') },
      remark: { note: belongsTo('note', 'noteId') },
      profile: { account: belongsTo('account', 'accountId') },
      membership: { account: belongsTo('account', 'accountId') },
    },
  },
);

export type PgSchema = typeof pgSchema;
