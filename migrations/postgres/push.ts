/** `db push` on the postgres and pglite targets: the driver's own push (what `db.push()` runs). */
import type { Driver } from '../../src/engine/driver.js';
import type { SchemaDef } from '../../src/schema/define.js';

/** Tables and indexes of the current schema, to tell what a push created. */
const RELATIONS_SQL = `SELECT c.relname AS name, c.relkind AS kind FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p', 'i') ORDER BY 1`;

/** Pushes the schema; returns the tables and indexes it created (none when all existed). */
export async function pushPostgres(driver: Driver, schema: SchemaDef): Promise<string[]> {
  try {
    await driver.connect(schema);
    const raw = driver.raw as { query(sql: string): Promise<{ rows: { name: string; kind: string }[] }> };
    const before = new Set((await raw.query(RELATIONS_SQL)).rows.map((r) => r.name));
    await driver.push(schema);
    const after = (await raw.query(RELATIONS_SQL)).rows;
    return after.filter((r) => !before.has(r.name)).map((r) => (r.kind === 'i' ? `index ${r.name}` : r.name));
  } finally {
    await driver.close();
  }
}
