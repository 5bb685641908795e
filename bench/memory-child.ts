/**
 * Child process of the memory benchmark (run by suites/memory.ts): pages
 * 100,000 rows through quern's `paginate` and reports resident memory after
 * 10,000 and after 100,000 rows. A separate process, so nothing else the
 * bench holds in memory shows up in its RSS.
 *
 *   node --import tsx bench/memory-child.ts <postgres-url | pglite>
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import pg from 'pg';
import { createClient, defineSchema, f, model, type Driver } from '../src/index.js';
import { pglite, postgres } from '../drivers/postgres/index.js';

const ROWS = 100_000;
const PAGE = 1000;
const CHECKPOINTS = [10_000, 100_000];
/** Every 10,000 rows: the series shows whether memory climbs with the row count or levels off. */
const SERIES_EVERY = 10_000;
const gc = (globalThis as { gc?: () => void }).gc;

const MemItem = model(
  'MemItem',
  {
    id: f.uuid().key().auto(),
    seq: f.int().unique(),
    category: f.string(),
    label: f.string(),
    score: f.float(),
    price: f.decimal(),
    active: f.boolean(),
    tags: f.list(f.string()).default([]),
    createdAt: f.timestamp(),
    note: f.text().nullable(),
  },
  { table: 'bench_mem_items' },
);
const schema = defineSchema({ memItem: MemItem });

const SEED = `INSERT INTO "bench_mem_items" ("id", "seq", "category", "label", "score", "price", "active", "tags", "createdAt", "note")
SELECT ('01900000-0005-7000-8000-' || lpad(to_hex(i), 12, '0'))::uuid, i, 'c' || (i % 10), 'item-' || i, (i % 1000) / 7.0,
       ((i % 500) + 1)::numeric + (i % 100) / 100.0, i % 2 = 0, CASE WHEN i % 3 = 0 THEN ARRAY['red', 'blue'] ELSE ARRAY['green'] END,
       timestamptz '2024-01-01 00:00:00+00' + i * interval '1 second', CASE WHEN i % 4 = 0 THEN NULL ELSE 'note ' || i END
FROM generate_series(0, ${ROWS - 1}) AS i`;

const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

async function main() {
  const target = process.argv[2] ?? 'pglite';
  let driver: Driver;
  let cleanup = async () => undefined as void;
  let driverName: string;
  if (target === 'pglite') {
    driver = pglite();
    driverName = 'PGlite';
  } else {
    const dbName = `quern_bench_mem_${process.pid}`;
    const admin = new pg.Client({ connectionString: target });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${dbName}"`);
    await admin.end();
    const u = new URL(target);
    u.pathname = `/${dbName}`;
    driver = postgres({ connectionString: u.toString(), max: 1 });
    driverName = 'PostgreSQL server (pg)';
    cleanup = async () => {
      const a = new pg.Client({ connectionString: target });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
      await a.end();
    };
  }
  const db = await createClient({ schema, driver, strict: false });
  try {
    await db.push();
    const raw = driver.raw as { query(sql: string): Promise<unknown> };
    await raw.query(SEED);
    const t0 = performance.now();
    const rss: Record<string, number> = {};
    const peak: Record<string, number> = {};
    const heap: Record<string, number> = {};
    const retained: Record<string, number> = {};
    const series: { rows: number; rssMB: number; heapUsedMB: number }[] = [];
    let seen = 0;
    let after: string | null = null;
    let checksum = 0;
    // Peak RSS while paging, sampled after every page (getrusage's maxrss would include start-up).
    let pagingPeak = 0;
    const processPeak: Record<string, number> = {};
    for (;;) {
      const page: { items: { seq: number }[]; nextCursor: string | null } = await db.memItem.paginate({ orderBy: { seq: 'asc' }, first: PAGE, after });
      for (const row of page.items) checksum += row.seq;
      seen += page.items.length;
      pagingPeak = Math.max(pagingPeak, process.memoryUsage().rss);
      if (seen % SERIES_EVERY === 0) {
        const m = process.memoryUsage();
        series.push({ rows: seen, rssMB: mb(m.rss), heapUsedMB: mb(m.heapUsed) });
      }
      if (CHECKPOINTS.includes(seen)) {
        const label = `${seen / 1000}k rows`;
        const m = process.memoryUsage();
        rss[label] = mb(m.rss);
        heap[label] = mb(m.heapUsed);
        peak[label] = mb(pagingPeak);
        processPeak[label] = mb(process.resourceUsage().maxRSS * 1024);
        // What is still reachable after a full collection: grows only if rows are retained.
        if (gc) {
          gc();
          retained[label] = mb(process.memoryUsage().heapUsed);
        }
      }
      if (page.nextCursor === null) break;
      after = page.nextCursor;
    }
    const expected = (ROWS * (ROWS - 1)) / 2;
    if (seen !== ROWS || checksum !== expected) throw new Error(`paged ${seen} rows (checksum ${checksum}), expected ${ROWS} (${expected})`);
    const seconds = Math.round((performance.now() - t0) / 10) / 100;
    process.stdout.write(
      `${JSON.stringify({ rows: seen, pageSize: PAGE, driver: driverName, rssMB: rss, peakRssMB: peak, processPeakRssMB: processPeak, heapUsedMB: heap, retainedHeapMB: retained, series, seconds })}\n`,
    );
  } finally {
    await db.close();
    await cleanup();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
