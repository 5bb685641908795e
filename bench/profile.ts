/**
 * Profiles quern's hot paths with V8's sampling CPU profiler (the one behind
 * `node --cpu-prof`) and prints where the time goes. Each workload runs in its
 * own child process; the profiler is started after set-up (module loading,
 * seeding, warm-up) through node:inspector, so the profile holds only the
 * measured loop. It is summarised by self time per function and by layer, and
 * as busy CPU µs per operation.
 *
 *   npx tsx bench/profile.ts [--target=postgres|pglite|dynamodb] [--contender=quern|pg|drizzle|raw]
 *                            [--workloads=pk-lookup,find-many-100,...] [--seconds=8] [--micro]
 *
 * `--micro` profiles the in-memory client path (no database): plan-cache hits,
 * parameter binding, row decoding and relation merge, without I/O noise.
 * Profiles are kept under bench/generated/profiles/ (gitignored; open them in Chrome DevTools).
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { spawn } from 'node:child_process';
import { Session } from 'node:inspector/promises';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatProfile, summarizeProfile } from './lib/cpuprofile.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const DEFAULT_WORKLOADS: Record<string, string[]> = {
  postgres: ['pk-lookup', 'find-many-100', 'include-has-many', 'include-belongs-to', 'update-version'],
  pglite: ['pk-lookup', 'find-many-100', 'include-has-many', 'include-belongs-to', 'update-version'],
  dynamodb: ['get-item', 'query-gsi', 'batch-get-250', 'include-belongs-to', 'unique-create'],
};

function arg(name: string, fallback: string): string {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a ? a.slice(name.length + 3) : fallback;
}

/** Runs `loop` under the CPU profiler and writes the profile to `out`. */
async function profiled(out: string, loop: () => Promise<number>): Promise<void> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  const ops = await loop();
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();
  await writeFile(join(out, 'loop.cpuprofile'), JSON.stringify(profile));
  await writeFile(join(out, 'ops.json'), JSON.stringify({ ops }));
}

async function child(): Promise<void> {
  const target = arg('target', 'postgres');
  const out = arg('out', '');
  const contender = arg('contender', 'quern');
  const workload = arg('workloads', 'pk-lookup');
  const seconds = Number(arg('seconds', '8'));
  if (target === 'micro') {
    const { SHAPES } = await import('./suites/planner.js');
    const { profileMicro } = await import('./suites/profile-micro.js');
    const run = await profileMicro(SHAPES.find((s) => s.id === workload) ?? SHAPES[0]);
    await run(0.5);
    await profiled(out, () => run(seconds));
    return;
  }
  if (target === 'dynamodb') {
    const { openDynamoTarget } = await import('./suites/dynamodb.js');
    const t = await openDynamoTarget(JSON.parse(process.env.QUERN_BENCH_DYNAMODB!), () => undefined);
    try {
      const w = t.workloads.find((x) => x.id === workload);
      if (!w) throw new Error(`unknown workload ${workload}`);
      let i = 0;
      const loop = async (s: number) => {
        const end = performance.now() + s * 1000;
        let n = 0;
        while (performance.now() < end) {
          await (contender === 'raw' ? w.raw(i++) : w.quern(i++, t.db));
          n++;
        }
        return n;
      };
      await loop(Math.min(2, seconds / 4));
      await profiled(out, () => loop(seconds));
    } finally {
      await t.close();
    }
    return;
  }
  const { workloads } = await import('./suites/postgres.js');
  const { openPgliteTarget, openServerTarget } = await import('./suites/pg-targets.js');
  const opened =
    target === 'pglite' ? await openPgliteTarget(() => undefined) : await openServerTarget(process.env.QUERN_BENCH_PG_URL!, 'embedded', () => undefined);
  try {
    const w = workloads(opened.target).find((x) => x.id === workload);
    if (!w) throw new Error(`unknown workload ${workload}`);
    const t = opened.target;
    const op =
      contender === 'pg'
        ? w.raw
        : contender === 'drizzle'
          ? w.drizzle
          : (i: number) => {
              if (typeof t.quern === 'string') throw new Error(t.quern);
              return w.quern(i, t.quern);
            };
    let i = 0;
    const loop = async (s: number) => {
      const end = performance.now() + s * 1000;
      let n = 0;
      while (performance.now() < end) {
        await w.before?.(i);
        await op(i++);
        n++;
      }
      return n;
    };
    await loop(Math.min(2, seconds / 4));
    await profiled(out, () => loop(seconds));
  } finally {
    await opened.close();
  }
}

async function parent(): Promise<void> {
  const micro = process.argv.includes('--micro');
  const target = micro ? 'micro' : arg('target', 'postgres');
  const contender = arg('contender', 'quern');
  const list = arg('workloads', micro ? 'pk,find-many,include,update' : DEFAULT_WORKLOADS[target].join(',')).split(',');
  const seconds = arg('seconds', '8');
  const dir = join(here, 'generated', 'profiles');
  await mkdir(dir, { recursive: true });
  let stop = async () => undefined as void;
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (target === 'postgres' || target === 'dynamodb') {
    const { startServers } = await import('../test/harness/servers.js');
    const servers = await startServers({ want: [target], require: [target] });
    if (servers.postgres) env.QUERN_BENCH_PG_URL = servers.postgres.url;
    if (servers.dynamodb) env.QUERN_BENCH_DYNAMODB = JSON.stringify(servers.dynamodb);
    stop = () => servers.stop();
  }
  try {
    for (const w of list) {
      const name = `${target}-${contender}-${w}`;
      const sub = join(dir, name);
      await rm(sub, { recursive: true, force: true });
      await mkdir(sub, { recursive: true });
      await new Promise<void>((resolve, reject) => {
        const p = spawn(
          process.execPath,
          [
            '--import',
            'tsx',
            fileURLToPath(import.meta.url),
            '--child',
            `--out=${sub}`,
            `--target=${target}`,
            `--contender=${contender}`,
            `--workloads=${w}`,
            `--seconds=${seconds}`,
          ],
          { stdio: ['ignore', 'inherit', 'inherit'], env },
        );
        p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`profile child for ${w} exited with ${code}`))));
      });
      const file = (await readdir(sub)).find((f) => f.endsWith('.cpuprofile'));
      if (!file) throw new Error(`no profile written for ${w}`);
      const { ops } = JSON.parse(await readFile(join(sub, 'ops.json'), 'utf8')) as { ops: number };
      const summary = await summarizeProfile(join(sub, file), root);
      const busyUs = ((summary.totalMs - summary.idleMs) * 1000) / ops;
      console.log(
        formatProfile(
          summary,
          `\n${name}: ${ops} operations, ${busyUs.toFixed(1)} µs busy CPU per operation (${join('bench/generated/profiles', name, file)})`,
        ),
      );
    }
  } finally {
    await stop();
  }
}

(process.argv.includes('--child') ? child() : parent()).then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
