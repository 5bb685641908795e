/**
 * Profiles quern's hot paths with V8's sampling profiler and prints where the
 * time goes: `node --cpu-prof` runs one workload per child process, and the
 * profile is summarised by self time per function and by layer.
 *
 *   npx tsx bench/profile.ts [--target=postgres|pglite] [--contender=quern|pg|drizzle]
 *                            [--workloads=pk-lookup,find-many-100,...] [--seconds=8] [--micro]
 *
 * `--micro` profiles the in-memory client path (no database): plan-cache hits,
 * parameter binding, row decoding and relation merge, without I/O noise.
 * Profiles are kept under bench/results/profiles/ (open them in Chrome DevTools).
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { spawn } from 'node:child_process';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatProfile, summarizeProfile } from './lib/cpuprofile.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const DEFAULT_WORKLOADS = ['pk-lookup', 'find-many-100', 'include-has-many', 'include-belongs-to', 'update-version'];

function arg(name: string, fallback: string): string {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a ? a.slice(name.length + 3) : fallback;
}

async function child(): Promise<void> {
  const target = arg('target', 'postgres');
  const contender = arg('contender', 'quern');
  const workload = arg('workloads', 'pk-lookup');
  const seconds = Number(arg('seconds', '8'));
  if (target === 'micro') {
    const { SHAPES } = await import('./suites/planner.js');
    const { profileMicro } = await import('./suites/profile-micro.js');
    await profileMicro(SHAPES.find((s) => s.id === workload) ?? SHAPES[0], seconds);
    return;
  }
  const { workloads } = await import('./suites/postgres.js');
  const { openPgliteTarget, openServerTarget } = await import('./suites/pg-targets.js');
  const opened = target === 'pglite' ? await openPgliteTarget(() => undefined) : await openServerTarget(process.env.QUERN_BENCH_PG_URL!, 'embedded', () => undefined);
  try {
    const w = workloads(opened.target).find((x) => x.id === workload);
    if (!w) throw new Error(`unknown workload ${workload}`);
    const t = opened.target;
    const op = contender === 'pg' ? w.raw : contender === 'drizzle' ? w.drizzle : (i: number) => {
      if (typeof t.quern === 'string') throw new Error(t.quern);
      return w.quern(i, t.quern);
    };
    const end = performance.now() + seconds * 1000;
    let i = 0;
    while (performance.now() < end) {
      await w.before?.(i);
      await op(i++);
    }
    process.stderr.write(`${i} operations\n`);
  } finally {
    await opened.close();
  }
}

async function parent(): Promise<void> {
  const micro = process.argv.includes('--micro');
  const target = micro ? 'micro' : arg('target', 'postgres');
  const contender = arg('contender', 'quern');
  const list = arg('workloads', micro ? 'pk,find-many,include,update' : DEFAULT_WORKLOADS.join(',')).split(',');
  const seconds = arg('seconds', '8');
  const dir = join(here, 'results', 'profiles');
  await mkdir(dir, { recursive: true });
  let stop = async () => undefined as void;
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (target === 'postgres') {
    const { startServers } = await import('../test/harness/servers.js');
    const servers = await startServers({ want: ['postgres'], require: ['postgres'] });
    env.QUERN_BENCH_PG_URL = servers.postgres!.url;
    stop = () => servers.stop();
  }
  try {
    for (const w of list) {
      const name = `${target}-${contender}-${w}`;
      const sub = join(dir, name);
      await rm(sub, { recursive: true, force: true });
      await mkdir(sub, { recursive: true });
      await new Promise<void>((resolve, reject) => {
        const p = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${sub}`, '--import', 'tsx', fileURLToPath(import.meta.url), '--child',
          `--target=${target}`, `--contender=${contender}`, `--workloads=${w}`, `--seconds=${seconds}`], { stdio: ['ignore', 'inherit', 'inherit'], env });
        p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`profile child for ${w} exited with ${code}`))));
      });
      const file = (await readdir(sub)).find((f) => f.endsWith('.cpuprofile'));
      if (!file) throw new Error(`no profile written for ${w}`);
      console.log(formatProfile(await summarizeProfile(join(sub, file), root), `\n${name} (${join('bench/results/profiles', name, file)})`));
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
