/**
 * Client CPU per DynamoDB operation, quern against the raw DocumentClient, with DynamoDB Local's
 * own latency and CPU taken out: a caching stand-in (a child process) forwards each distinct
 * request body to DynamoDB Local once and answers repeats from memory (TransactWriteItems always
 * with `{}`). The two contenders run the bench's workloads in interleaved blocks in one process;
 * the figure is the median of the per-block ratios of process CPU time, which a loaded machine
 * moves far less than wall-clock medians (docs/performance.md, DynamoDB: what a request costs).
 *
 *   npx tsx bench/dynamo-client-cpu.ts [--workloads=get-item,batch-get-250] [--rounds=40] [--block=10]
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { spawn } from 'node:child_process';
import http from 'node:http';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

function arg(name: string, fallback: string): string {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a ? a.slice(name.length + 3) : fallback;
}

type Answer = { status: number; headers: Record<string, string>; body: Buffer };

/** The stand-in: prints its endpoint on stdout, then serves until its parent closes stdin. */
async function standIn(target: string): Promise<void> {
  const cache = new Map<string, Answer>();
  const agent = new http.Agent({ keepAlive: true });
  const upstream = new URL(target);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const op = String(req.headers['x-amz-target']);
      const answer = (a: Answer) => {
        res.writeHead(a.status, { ...a.headers, 'content-length': String(a.body.length) });
        res.end(a.body);
      };
      if (op.endsWith('.TransactWriteItems'))
        return answer({ status: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: Buffer.from('{}') });
      const key = `${op} ${body.toString()}`;
      const hit = cache.get(key);
      if (hit) return answer(hit);
      const forward = http.request({ host: upstream.hostname, port: upstream.port, method: 'POST', path: '/', headers: req.headers, agent }, (r) => {
        const out: Buffer[] = [];
        r.on('data', (c: Buffer) => out.push(c));
        r.on('end', () => {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(r.headers)) if (typeof v === 'string' && !['content-length', 'connection', 'date'].includes(k)) headers[k] = v;
          const a = { status: r.statusCode ?? 500, headers, body: Buffer.concat(out) };
          if (a.status === 200) cache.set(key, a);
          answer(a);
        });
      });
      forward.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  process.stdout.write(`http://127.0.0.1:${(server.address() as { port: number }).port}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
}

async function main(): Promise<void> {
  const { startServers } = await import('../test/harness/servers.js');
  const { openDynamoTarget } = await import('./suites/dynamodb.js');
  const servers = await startServers({ want: ['dynamodb'], require: ['dynamodb'] });
  const ddb = servers.dynamodb!;
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--stand-in', ddb.endpoint], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  try {
    const endpoint = await new Promise<string>((resolve, reject) => {
      child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim()));
      child.once('exit', (code) => reject(new Error(`the stand-in exited (${code})`)));
    });
    const t = await openDynamoTarget({ ...ddb, endpoint }, (s) => process.stderr.write(`${s}\n`));
    try {
      const only = arg('workloads', '');
      const rounds = Number(arg('rounds', '40'));
      const block = Number(arg('block', '10'));
      const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
      console.log(`client CPU per operation, quern ÷ raw (median of ${rounds} interleaved blocks of ${block}); load average ${loadavg()[0].toFixed(1)}`);
      for (const w of t.workloads) {
        if (only && !only.split(',').includes(w.id)) continue;
        const ops = { raw: (i: number) => w.raw(i), quern: (i: number) => w.quern(i, t.db) };
        // Warm-up long enough for the stand-in to have seen every key the rounds will ask for.
        for (let i = 0; i < 400; i++) for (const op of Object.values(ops)) await op(i);
        const cpu = { raw: [] as number[], quern: [] as number[] };
        let i = 0;
        for (let r = 0; r < rounds; r++) {
          for (const name of r % 2 ? (['quern', 'raw'] as const) : (['raw', 'quern'] as const)) {
            const c0 = process.cpuUsage();
            for (let k = 0; k < block; k++) await ops[name](i++);
            const c = process.cpuUsage(c0);
            cpu[name].push((c.user + c.system) / block);
          }
        }
        const ratio = med(cpu.quern.map((q, r) => q / cpu.raw[r]));
        console.log(`  ${w.title.padEnd(42)} ${ratio.toFixed(3)}×  (raw ${med(cpu.raw).toFixed(0)} µs, quern ${med(cpu.quern).toFixed(0)} µs)`);
      }
      console.log(`load average ${loadavg()[0].toFixed(1)}`);
    } finally {
      await t.close();
    }
  } finally {
    child.stdin.end();
    await servers.stop();
  }
}

if (process.argv[2] === '--stand-in') await standIn(process.argv[3]);
else await main();
