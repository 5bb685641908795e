/** Memory: runs bench/memory-child.ts in its own process and judges whether RSS stays flat. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { MemoryFigure } from '../lib/results.js';

/**
 * Flat means memory does not grow with the row count:
 * - the heap still reachable after a full GC grows by less than RETAINED_MB
 *   between 10k and 100k rows (keeping the extra 90,000 decoded rows would
 *   cost tens of MB), and
 * - RSS levels off: it grows by less than PLATEAU_MB over the second half
 *   (50k → 100k rows). The first tens of thousands of rows are V8 sizing its
 *   young generation, which raises RSS once and then stops.
 */
export const RETAINED_MB = 2;
export const PLATEAU_MB = 8;

export async function runMemory(pgUrl: string | null, log: (s: string) => void): Promise<MemoryFigure> {
  const child = fileURLToPath(new URL('../memory-child.ts', import.meta.url));
  const out = await new Promise<string>((resolve, reject) => {
    const p = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', child, pgUrl ?? 'pglite'], { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', reject);
    p.on('exit', (code) =>
      code === 0 ? resolve(stdout) : reject(new Error(`memory child exited with ${code}: ${stderr.trim().split('\n').slice(-5).join(' | ')}`)),
    );
  });
  const line = out.trim().split('\n').pop()!;
  const r = JSON.parse(line) as Omit<MemoryFigure, 'growthMB' | 'secondHalfGrowthMB' | 'retainedGrowthMB' | 'flat'>;
  const d1 = (x: number) => Math.round(x * 10) / 10;
  const peaks = Object.values(r.peakRssMB);
  const growthMB = d1(peaks[peaks.length - 1] - peaks[0]);
  const retained = Object.values(r.retainedHeapMB);
  const retainedGrowthMB = retained.length >= 2 ? d1(retained[retained.length - 1] - retained[0]) : NaN;
  const half = r.series.find((s) => s.rows === r.rows / 2);
  const last = r.series[r.series.length - 1];
  const secondHalfGrowthMB = half && last ? d1(last.rssMB - half.rssMB) : NaN;
  log(`  peak RSS ${JSON.stringify(r.peakRssMB)}, retained heap ${JSON.stringify(r.retainedHeapMB)}, ${r.seconds} s`);
  return { ...r, growthMB, secondHalfGrowthMB, retainedGrowthMB, flat: retainedGrowthMB <= RETAINED_MB && secondHalfGrowthMB <= PLATEAU_MB };
}
