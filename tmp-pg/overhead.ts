import { model, f, defineSchema, createClient } from '../src/index.js';
import { SqlExecutor } from '../src/engine/sql/executor.js';
import { compileStatement } from '../drivers/postgres/compile.js';
import { postgresTarget } from '../drivers/postgres/index.js';
import type { Driver } from '../src/engine/driver.js';
const User = model('BUser', { id: f.uuid().key().auto(), email: f.string().unique(), name: f.string(), age: f.int().nullable(), createdAt: f.timestamp().createdAt() });
const schema = defineSchema({ user: User });
const d = new Date();
const core = { driver: 'postgres' as const, compile: (s: any) => compileStatement(s), connection: () => ({ query: async () => ({ rows: [{ id: 'x', email: 'e', name: 'n', age: 1, createdAt: d }], rowCount: 1 }) }), transaction: async (fn: any) => fn(core.connection()), mapError: (e: any) => e };
const driver: Driver = { name: 'postgres', target: postgresTarget, connect: async () => new SqlExecutor(core), push: async () => {}, close: async () => {}, raw: null };
const db = await createClient({ schema, driver, strict: false });
const id = '01890000-0000-7000-8000-000000000000';
for (let r = 0; r < 3; r++) {
  const n = 100000;
  for (let i = 0; i < 10000; i++) await db.user.findUnique({ where: { id } });
  const t = performance.now();
  for (let i = 0; i < n; i++) await db.user.findUnique({ where: { id } });
  console.log('client overhead per findUnique', ((performance.now() - t) / n * 1000).toFixed(2), 'µs');
}
