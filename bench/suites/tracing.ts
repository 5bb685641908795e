/**
 * What observability costs per query, on the whole client path over an in-memory executor (no
 * I/O, so the cost is not hidden under a round trip): nothing observed (`nPlusOne: false`), the
 * defaults (N+1 detector on, tracing off), tracing on through the real OpenTelemetry SDK (spans
 * to a dropping exporter, metrics to a meter provider), and shapes recorded at a 1% sample.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BasicTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { createClient, type ClientOptions, type Driver, type Executor } from '../../src/index.js';
import { postgresTarget } from '../../drivers/postgres/index.js';
import type { MicroFigure } from '../lib/results.js';
import { round, summarize } from '../lib/stats.js';
import { schema } from '../schema.js';
import * as seed from '../seed.js';

type Options = Omit<ClientOptions<typeof schema>, 'schema' | 'driver'>;

/** One request per query, reported through the log hook as a driver would, returning one row. */
function memoryDriver(): Driver {
  const row = { id: seed.benchId(1, 0), email: 'a@x.io', name: 'A' };
  const executor = {
    async run(_q, ctx) {
      ctx.log?.({
        driver: 'postgres',
        model: 'User',
        operation: 'sql',
        sql: 'SELECT "id" FROM "User" WHERE "id" = $1',
        params: [],
        durationMs: 0.05,
        rowCount: 1,
      });
      return { ...row };
    },
  } as Executor;
  return { name: 'postgres', target: postgresTarget, raw: null, connect: async () => executor, push: async () => undefined, close: async () => undefined };
}

const dropping: SpanExporter = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => undefined };

export async function runTracingBench(quick: boolean): Promise<{ figures: MicroFigure[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'quern-bench-tracing-'));
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(dropping)] });
  const meterProvider = new MeterProvider();
  const variants: [string, string, Options][] = [
    ['tracing-bare', 'nothing observed (nPlusOne: false)', { nPlusOne: false }],
    ['tracing-off', 'defaults: tracing off, N+1 detector on', {}],
    ['tracing-on', 'tracing on (OpenTelemetry SDK, spans + metrics)', { tracing: { tracerProvider, meterProvider } }],
    ['record-1pct', 'shapes recorded, sample 0.01', { recordShapes: { file: join(dir, 'shapes.jsonl'), sample: 0.01 } }],
  ];
  const clients = await Promise.all(variants.map(([, , o]) => createClient({ schema, driver: memoryDriver(), strict: false, ...o })));
  const ids = Array.from({ length: 1000 }, (_, i) => seed.benchId(1, i));
  const per = quick ? 2_000 : 5_000;
  const rounds = quick ? 9 : 21;
  const cpu = () => process.cpuUsage().user / 1000;
  const samples: number[][] = variants.map(() => []);
  // Interleaved rounds, so a busy machine slows every variant alike.
  for (let r = 0; r < rounds + 2; r++) {
    for (let v = 0; v < variants.length; v++) {
      const db = clients[v];
      const t0 = cpu();
      for (let k = 0; k < per; k++) await db.user.findUnique({ where: { id: ids[k % 1000] } });
      if (r >= 2) samples[v].push(((cpu() - t0) * 1000) / per); // the first two rounds warm up
    }
  }
  const bare = summarize(samples[0]).median;
  const figures = variants.map(([id, title], v): MicroFigure => {
    const s = summarize(samples[v]);
    return {
      id,
      title,
      usPerOp: round(s.median, 3),
      p95: round(s.p95, 3),
      ...(v > 0 ? { note: `${round(s.median / bare, 3)}x nothing observed (+${round(s.median - bare, 3)} µs)` } : {}),
    };
  });
  await Promise.all(clients.map((c) => c.close()));
  await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
  rmSync(dir, { recursive: true, force: true });
  return { figures };
}
