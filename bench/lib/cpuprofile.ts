/**
 * Reads a V8 .cpuprofile (what `node --cpu-prof` writes) and sums self time
 * per function, so hot spots can be named precisely: function, file:line, and
 * share of the sampled time.
 */
import { readFile } from 'node:fs/promises';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface HotSpot {
  readonly name: string;
  readonly location: string;
  readonly selfMs: number;
  /** share of all sampled time, idle included */
  readonly selfPct: number;
  /** share of the busy (non-idle) time */
  readonly busyPct: number;
  readonly category: string;
}

export interface ProfileSummary {
  readonly totalMs: number;
  readonly idleMs: number;
  readonly byCategory: readonly { category: string; ms: number; busyPct: number }[];
  readonly top: readonly HotSpot[];
}

/** Where a frame's code lives: quern's own layers, its dependencies, or the runtime. */
export function categorize(url: string, name: string): string {
  if (name === '(idle)') return 'idle';
  if (name === '(garbage collector)') return 'gc';
  if (name === '(program)' || name === '(root)') return 'runtime';
  const u = url.replace(/^file:\/\//, '');
  const m = /\/(src\/(?:engine\/sql|engine\/kv|engine|plan\/sql|plan\/kv|plan|query|schema)|src|drivers\/postgres|drivers\/dynamodb|bench)\//.exec(u);
  if (m && !u.includes('node_modules')) return m[1];
  const dep = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u);
  if (dep) return dep[1];
  if (u.startsWith('node:') || u === '') return 'node';
  return 'other';
}

export async function summarizeProfile(path: string, root: string, topN = 30): Promise<ProfileSummary> {
  const p = JSON.parse(await readFile(path, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  for (const n of p.nodes) byId.set(n.id, n);
  const selfUs = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) selfUs.set(p.samples[i], (selfUs.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));

  const agg = new Map<string, { name: string; location: string; us: number; category: string }>();
  const cats = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!;
    const cf = n.callFrame;
    const category = categorize(cf.url, cf.functionName);
    total += us;
    if (category === 'idle') idle += us;
    cats.set(category, (cats.get(category) ?? 0) + us);
    const file = cf.url.replace(/^file:\/\//, '').replace(`${root}/`, '');
    const location = file ? `${file}:${cf.lineNumber + 1}` : '';
    const key = `${cf.functionName}@${location}`;
    const e = agg.get(key) ?? { name: cf.functionName || '(anonymous)', location, us: 0, category };
    e.us += us;
    agg.set(key, e);
  }
  const busy = Math.max(1, total - idle);
  const top = [...agg.values()]
    .filter((e) => e.category !== 'idle')
    .sort((a, b) => b.us - a.us)
    .slice(0, topN)
    .map((e) => ({
      name: e.name,
      location: e.location,
      selfMs: e.us / 1000,
      selfPct: (100 * e.us) / total,
      busyPct: (100 * e.us) / busy,
      category: e.category,
    }));
  const byCategory = [...cats.entries()]
    .filter(([c]) => c !== 'idle')
    .sort((a, b) => b[1] - a[1])
    .map(([category, us]) => ({ category, ms: us / 1000, busyPct: (100 * us) / busy }));
  return { totalMs: total / 1000, idleMs: idle / 1000, byCategory, top };
}

export function formatProfile(s: ProfileSummary, title: string): string {
  const lines = [`${title}: ${s.totalMs.toFixed(0)} ms sampled, ${s.idleMs.toFixed(0)} ms idle (waiting on I/O)`];
  lines.push('  busy time by where the code lives:');
  for (const c of s.byCategory.slice(0, 14)) lines.push(`    ${c.category.padEnd(34)} ${c.busyPct.toFixed(1).padStart(5)}%`);
  lines.push('  top functions by self time (% of busy time):');
  for (const h of s.top) lines.push(`    ${h.busyPct.toFixed(1).padStart(5)}%  ${h.name.padEnd(32)} ${h.location}`);
  return lines.join('\n');
}
