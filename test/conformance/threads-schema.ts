/**
 * Counters × cascades × colocation in one schema: replies live in their thread's item collection
 * (colocated), are removed with it (onDelete: cascade), and are counted twice, on the thread
 * (the colocation parent) and on the user who wrote them (another parent). Deleting a thread must
 * therefore decrement every writer's counter in the same atomic unit.
 */
import { belongsTo, defineSchema, f, hasMany, index, model } from 'quern';

export const threads = defineSchema(
  {
    user: model('User', { id: f.uuid().key().auto(), scope: f.string(), repliesCount: f.int().default(0) }, { indexes: [index('scope')] }),
    thread: model('Thread', { id: f.uuid().key().auto(), scope: f.string(), title: f.string(), postsCount: f.int().default(0) }, { indexes: [index('scope')] }),
    reply: model('Reply', { id: f.uuid().key().auto(), threadId: f.uuid(), userId: f.uuid(), body: f.string() }, { indexes: [index('userId')] }),
  },
  {
    relations: {
      thread: { replies: hasMany('reply', 'threadId', { colocated: true }) },
      reply: {
        thread: belongsTo('thread', 'threadId', { onDelete: 'cascade', counterCache: 'postsCount' }),
        user: belongsTo('user', 'userId', { counterCache: 'repliesCount' }),
      },
    },
  },
);

export type Threads = typeof threads;
