/**
 * The same tables for Drizzle ORM, declared the idiomatic way (pg-core table
 * builders plus `relations()` for the relational query API).
 */
import { relations } from 'drizzle-orm';
import { boolean, doublePrecision, integer, numeric, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { TABLES } from './schema.js';

export const users = pgTable(TABLES.user, {
  id: uuid('id').primaryKey(),
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  age: integer('age'),
  createdAt: timestamp('createdAt', { withTimezone: true }).notNull(),
});

export const posts = pgTable(TABLES.post, {
  id: uuid('id').primaryKey(),
  authorId: uuid('authorId').notNull(),
  title: text('title').notNull(),
  status: text('status', { enum: ['draft', 'published'] })
    .notNull()
    .default('draft'),
  views: integer('views').notNull().default(0),
  publishedAt: timestamp('publishedAt', { withTimezone: true }).notNull(),
  version: integer('version').notNull().default(1),
});

export const items = pgTable(TABLES.item, {
  id: uuid('id').primaryKey(),
  seq: integer('seq').notNull().unique(),
  category: text('category').notNull(),
  label: text('label').notNull(),
  score: doublePrecision('score').notNull(),
  price: numeric('price').notNull(),
  active: boolean('active').notNull(),
  tags: text('tags').array().notNull().default([]),
  createdAt: timestamp('createdAt', { withTimezone: true }).notNull(),
  note: text('note'),
});

export const events = pgTable(TABLES.event, {
  id: uuid('id').primaryKey(),
  userId: uuid('userId').notNull(),
  kind: text('kind').notNull(),
  amount: integer('amount').notNull(),
  note: text('note').notNull(),
  at: timestamp('at', { withTimezone: true }).notNull(),
});

export const usersRelations = relations(users, ({ many }) => ({ posts: many(posts) }));
export const postsRelations = relations(posts, ({ one }) => ({ author: one(users, { fields: [posts.authorId], references: [users.id] }) }));

export const drizzleSchema = { users, posts, items, events, usersRelations, postsRelations };
