// Observability on every target: OpenTelemetry spans and metrics read back through the SDK's
// in-memory exporter and a collecting metric reader, no value in any attribute (hostile values),
// and the N+1 detector: it fires on a loop of findUnique and stays quiet on an include.
import { afterAll, expect } from 'vitest';
import { SpanKind, SpanStatusCode, type Attributes } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { MeterProvider, MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { CapabilityError, UniqueConstraintError, type Diagnostic } from 'quern';
import { createUser } from './fixtures.js';
import { blog } from './schema.js';
import { conformance, expectCapabilityError, rejection, type Db, type Target } from './targets.js';

/** Collects on demand: what a metrics backend would receive at its next export. */
class CollectingReader extends MetricReader {
  protected async onShutdown() {}
  protected async onForceFlush() {}
}

interface Otel {
  spans: InMemorySpanExporter;
  reader: CollectingReader;
  db: Db;
}

const opened: { tracer: BasicTracerProvider; meter: MeterProvider }[] = [];
afterAll(async () => {
  for (const o of opened) await Promise.all([o.tracer.shutdown(), o.meter.shutdown()]);
});

async function traced(t: Target): Promise<Otel> {
  const spans = new InMemorySpanExporter();
  const reader = new CollectingReader();
  const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  const meter = new MeterProvider({ readers: [reader] });
  opened.push({ tracer, meter });
  const db = await t.client({ strict: true, tracing: { tracerProvider: tracer, meterProvider: meter } });
  return { spans, reader, db };
}

/** Spans of one query: its own span and its children, by parent id. */
function tree(spans: readonly ReadableSpan[]) {
  const roots = spans.filter((s) => s.parentSpanContext === undefined);
  return roots.map((root) => ({ root, children: spans.filter((s) => s.parentSpanContext?.spanId === root.spanContext().spanId) }));
}

function metricPoints(rm: ResourceMetrics, name: string): { attributes: Attributes; value: unknown }[] {
  return rm.scopeMetrics
    .flatMap((s) => s.metrics)
    .filter((m) => m.descriptor.name === name)
    .flatMap((m) => m.dataPoints as { attributes: Attributes; value: unknown }[]);
}

const isKv = (t: Target) => t.caps.family === 'kv';

conformance('observability', ({ scenario }) => {
  scenario('tracing: one span per query with the database conventions, one child span per request, per-shape metrics', {}, async (t) => {
    const user = await createUser(t);
    const o = await traced(t);
    const found = await o.db.user.findUnique({ where: { id: user.id } });
    expect(found?.id).toBe(user.id);

    const [q] = tree(o.spans.getFinishedSpans());
    expect(q, 'one root span').toBeDefined();
    const a = q.root.attributes;
    expect(q.root.kind).toBe(SpanKind.CLIENT);
    expect(q.root.name).toBe(`findUnique ${blog.def.models.user.table}`);
    expect(a['db.system.name']).toBe(({ dynamodb: 'aws.dynamodb', sqlite: 'sqlite' } as Record<string, string>)[t.caps.target] ?? 'postgresql');
    expect(a['db.operation.name']).toBe('findUnique');
    expect(a['db.collection.name']).toBe(blog.def.models.user.table);
    expect(a['quern.model']).toBe('user');
    expect(a['quern.shape.id']).toMatch(/^[0-9a-f]{16}$/);
    expect(a['quern.plan.operations']).toEqual(isKv(t) ? ['GetItem'] : ['sql']);
    expect(a['quern.rows']).toBe(1);
    expect(a['quern.requests']).toBe(q.children.length);
    expect(q.children.length).toBe(1);
    const child = q.children[0].attributes;
    expect(q.children[0].kind).toBe(SpanKind.CLIENT);
    expect(child['db.system.name']).toBe(a['db.system.name']);
    expect(child['quern.rows']).toBe(1);
    if (isKv(t)) {
      expect(child['db.operation.name']).toBe('GetItem');
      expect(String(child['db.collection.name'])).toContain(blog.def.models.user.table);
      expect(child['db.query.text']).toBe('GetItem');
      // DynamoDB says what the request cost: ReturnConsumedCapacity TOTAL.
      expect(child['aws.dynamodb.consumed_capacity']).toBeGreaterThan(0);
      expect(a['aws.dynamodb.consumed_capacity']).toBe(child['aws.dynamodb.consumed_capacity']);
    } else {
      expect(child['db.operation.name']).toBe('SELECT');
      expect(child['db.query.text']).toMatch(t.caps.sql?.placeholders === 'positional' ? /^SELECT .*\?/s : /^SELECT .*\$1/s);
      expect(a['db.query.text']).toBe(child['db.query.text']);
    }
    // The child ran inside the query span.
    expect(q.children[0].startTime >= q.root.startTime || q.children[0].startTime[0] === q.root.startTime[0]).toBe(true);

    // A second execution of the same shape: one histogram series with two points, requests counted.
    await o.db.user.findUnique({ where: { id: user.id } });
    const { resourceMetrics } = await o.reader.collect();
    const durations = metricPoints(resourceMetrics, 'db.client.operation.duration').filter((p) => p.attributes['quern.shape.id'] === a['quern.shape.id']);
    expect(durations).toHaveLength(1);
    expect((durations[0].value as { count: number }).count).toBe(2);
    expect(durations[0].attributes['db.operation.name']).toBe('findUnique');
    const requests = metricPoints(resourceMetrics, 'quern.client.requests').filter((p) => p.attributes['quern.shape.id'] === a['quern.shape.id']);
    expect(requests.map((p) => p.value)).toEqual([2]);
  });

  scenario('tracing: an include is one query span whose children are every request it sent', {}, async (t) => {
    const author = await createUser(t);
    await t.db.post.createMany({
      data: [
        { authorId: author.id, title: 'p1' },
        { authorId: author.id, title: 'p2' },
      ],
    });
    const o = await traced(t);
    const posts = await o.db.post.findMany({ where: { authorId: author.id }, include: { author: true } });
    expect(posts.map((p) => p.author?.id)).toEqual([author.id, author.id]);
    const [q] = tree(o.spans.getFinishedSpans());
    expect(q.root.attributes['quern.rows']).toBe(2);
    expect(q.root.attributes['quern.requests']).toBe(q.children.length);
    expect(q.children.length).toBe(isKv(t) ? 2 : 1);
    if (isKv(t)) expect(q.children.map((c) => c.attributes['db.operation.name'])).toEqual(['Query', 'BatchGetItem']);
  });

  scenario('tracing: a refused query and a failed write end their span with the error class, not its message', {}, async (t) => {
    const o = await traced(t);
    const taken = await createUser(t);
    const dup = await rejection(o.db.user.create({ data: { email: taken.email, name: 'dup', team: 'x' } }));
    expect(dup).toBeInstanceOf(UniqueConstraintError);
    if (isKv(t)) await expectCapabilityError(o.db.user.findMany({ where: { name: 'n' } }), 'scan-required');
    const roots = tree(o.spans.getFinishedSpans()).map((q) => q.root);
    expect(roots[0].attributes['error.type']).toBe('UniqueConstraintError');
    expect(roots[0].status.code).toBe(SpanStatusCode.ERROR);
    expect(roots[0].status.message).toBe('UniqueConstraintError');
    if (isKv(t)) {
      expect(roots[1].attributes['error.type']).toBe('CapabilityError');
      expect(roots[1].attributes['quern.error.code']).toBe('scan-required');
      expect(roots[1].attributes['quern.requests']).toBe(0);
    }
  });

  scenario('tracing: hostile values never appear in any span or metric attribute', {}, async (t) => {
    const o = await traced(t);
    const mark = `HOSTILE${t.tag('v')}`;
    const hostile = {
      email: `${mark}'); DROP TABLE users; --@x.io`,
      name: `${mark} $1 :v0 #k0 "quoted"`,
      team: `${mark}-team\nline`,
    };
    const u = await o.db.user.create({ data: hostile });
    await o.db.user.findUnique({ where: { email: hostile.email } });
    await o.db.user.findUnique({ where: { id: u.id } });
    await o.db.user.findMany({ where: { team: hostile.team, name: { startsWith: mark } }, orderBy: { name: 'asc' } });
    await o.db.user.update({ where: { id: u.id }, data: { name: `${mark} renamed`, age: 424242 } });
    await o.db.user.count({ where: { team: hostile.team } });
    await rejection(o.db.user.create({ data: hostile })); // unique violation: its message quotes the value
    await o.db.user.delete({ where: { id: u.id } });

    const spans = o.spans.getFinishedSpans();
    expect(spans.length).toBeGreaterThanOrEqual(14);
    const { resourceMetrics } = await o.reader.collect();
    const attributeSets: Attributes[] = [
      ...spans.map((s) => s.attributes),
      ...['db.client.operation.duration', 'quern.client.requests'].flatMap((n) => metricPoints(resourceMetrics, n).map((p) => p.attributes)),
    ];
    const texts = [
      ...attributeSets.flatMap((attrs) => Object.values(attrs).map((v) => JSON.stringify(v))),
      ...spans.flatMap((s) => [s.name, s.status.message ?? '', ...s.events.map((e) => JSON.stringify(e))]),
    ];
    for (const secret of [mark, u.id, '424242', 'DROP TABLE']) {
      const leaks = texts.filter((x) => x.includes(secret));
      expect(leaks, `${secret} leaked into telemetry`).toEqual([]);
    }
  });

  scenario('N+1: a loop of findUnique fires (an error under strict), naming the call site and suggesting include', {}, async (t) => {
    const users = await Promise.all([0, 1, 2, 3].map(() => createUser(t)));
    const strict = await t.client({ strict: true, nPlusOne: { threshold: 3 } });
    // One tick: the queries a .map creates before anything is awaited.
    const e = await expectCapabilityError(Promise.all(users.map((u) => strict.user.findUnique({ where: { id: u.id } }))), 'n-plus-one');
    expect(e.message).toMatch(/user\.findUnique at .*observability\.test\.ts:\d+:\d+ ran more than 3 times with the same shape within one tick/);
    expect(e.fix).toContain('include: { author: true } on the post query');
    expect(e.fix).toContain('user.findMany({ where: { id: { in: [...] } } })');

    // Awaited one by one: separate ticks, so only a request context sees the loop.
    for (const u of users) await strict.user.findUnique({ where: { id: u.id } });
    const inRequest = await rejection(
      strict.$request(async () => {
        for (const u of users) await strict.user.findUnique({ where: { id: u.id } });
      }),
    );
    expect(inRequest).toBeInstanceOf(CapabilityError);
    expect((inRequest as CapabilityError).code).toBe('n-plus-one');
    expect((inRequest as CapabilityError).message).toMatch(/within one db\.\$request context/);

    // Not strict: a warning, once, and the queries run.
    const warnings: Diagnostic[] = [];
    const lax = await t.client({ strict: false, nPlusOne: { threshold: 3 }, onWarning: (d) => void warnings.push(d) });
    const rows = await Promise.all(users.map((u) => lax.user.findUnique({ where: { id: u.id } })));
    expect(rows.map((r) => r?.id)).toEqual(users.map((u) => u.id));
    expect(warnings.map((d) => [d.code, d.severity, d.model])).toEqual([['n-plus-one', 'warning', 'User']]);
  });

  scenario('N+1: quiet on an include, on different shapes and below the threshold', {}, async (t) => {
    const authors = await Promise.all([0, 1, 2, 3].map(() => createUser(t)));
    await t.db.post.createMany({ data: authors.map((a, i) => ({ authorId: a.id, title: `t${i}` })) });
    const strict = await t.client({ strict: true, nPlusOne: { threshold: 3 } });
    await strict.$request(async () => {
      for (const a of authors) {
        const posts = await strict.post.findMany({ where: { authorId: a.id }, include: { author: true } });
        expect(posts.map((p) => p.author?.id)).toEqual([a.id]);
        if (a === authors[2]) break; // 3 executions of that shape: at the threshold, not past it
      }
      const one = await strict.user.findMany({ where: { id: { in: authors.map((a) => a.id) } } });
      expect(one).toHaveLength(4);
      // Same model, different shapes: not a loop.
      await strict.user.findUnique({ where: { id: authors[0].id } });
      await strict.user.findUnique({ where: { email: authors[1].email } });
      await strict.user.count({ where: { team: authors[2].team } });
    });
    const off = await t.client({ strict: true, nPlusOne: false });
    await Promise.all(authors.concat(authors).map((a) => off.user.findUnique({ where: { id: a.id } })));
  });
});
