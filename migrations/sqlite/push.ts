/** `db push` on the sqlite target: the driver's own push (what `db.push()` runs). */
import type { Driver } from '../../src/engine/driver.js';
import type { SchemaDef } from '../../src/schema/define.js';

/** Tables and indexes of the database (SQLite's own automatic indexes left out), to tell what a push created. */
const OBJECTS_SQL = `SELECT name, type FROM sqlite_master WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%' ORDER BY 1`;

interface Raw {
  execute(sql: string): Promise<{ rows: ArrayLike<unknown>[] }>;
}

async function objects(raw: Raw): Promise<{ name: string; type: string }[]> {
  return (await raw.execute(OBJECTS_SQL)).rows.map((r) => ({ name: String(r[0]), type: String(r[1]) }));
}

/** Pushes the schema; returns the tables and indexes it created (none when all existed). */
export async function pushSqlite(driver: Driver, schema: SchemaDef): Promise<string[]> {
  try {
    await driver.connect(schema);
    const raw = driver.raw as Raw;
    const before = new Set((await objects(raw)).map((o) => o.name));
    await driver.push(schema);
    return (await objects(raw)).filter((o) => !before.has(o.name)).map((o) => (o.type === 'index' ? `index ${o.name}` : o.name));
  } finally {
    await driver.close();
  }
}
