import { startServers } from '/work/main/test/harness/servers.ts';
import { spawnSync } from 'node:child_process';
const s = await startServers({ want: ['postgres'], require: ['postgres'], log: () => {} });
for (let k = 0; k < 2; k++) {
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', '/work/main/bench/memory-child.ts', s.postgres!.url], { cwd: '/work/main', env: { ...process.env, QUERN_BENCH_DEBUG: '1' }, encoding: 'utf8' });
  console.log(r.stderr.split('\n').filter((l) => l.includes('maxRSS')).join('\n'));
  console.log(JSON.parse(r.stdout.trim()).peakRssMB);
}
await s.stop();
