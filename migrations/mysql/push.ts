/** `db push` on the mysql target: the driver's own push (what `db.push()` runs). */
import type { Driver } from '../../src/engine/driver.js';
import type { SchemaDef } from '../../src/schema/define.js';

/** Tables and indexes of the database (the primary keys left out), to tell what a push created. */
const OBJECTS_SQL =
  "SELECT table_name AS name, 'table' AS type FROM information_schema.tables WHERE table_schema = DATABASE() " +
  "UNION SELECT DISTINCT index_name, 'index' FROM information_schema.statistics WHERE table_schema = DATABASE() AND index_name <> 'PRIMARY' ORDER BY 1";

interface Raw {
  query(sql: string): Promise<[unknown, unknown]>;
}

async function objects(raw: Raw): Promise<{ name: string; type: string }[]> {
  const [rows] = await raw.query(OBJECTS_SQL);
  return (rows as Record<string, unknown>[]).map((r) => ({ name: String(r.name ?? r.NAME), type: String(r.type ?? r.TYPE) }));
}

/** Pushes the schema; returns the tables and indexes it created (none when all existed). */
export async function pushMysql(driver: Driver, schema: SchemaDef): Promise<string[]> {
  try {
    await driver.connect(schema);
    const raw = driver.raw as Raw;
    const before = new Set((await objects(raw)).map((o) => `${o.type} ${o.name}`));
    await driver.push(schema);
    return (await objects(raw)).filter((o) => !before.has(`${o.type} ${o.name}`)).map((o) => (o.type === 'index' ? `index ${o.name}` : o.name));
  } finally {
    await driver.close();
  }
}
