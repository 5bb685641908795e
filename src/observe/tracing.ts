/**
 * OpenTelemetry: one span per query, a child span per request, a per-shape duration histogram
 * and request counter. `@opentelemetry/api` is an optional peer dependency, loaded only when
 * `createClient({ tracing })` asks for it. Attributes carry names, shapes and placeholders, never
 * a value: query values may be personal data, and spans leave the process.
 */
import type * as Otel from '@opentelemetry/api';
import { loadPeer } from '../peer.js';
import { ValidationError } from '../errors.js';
import type { DriverName } from '../plan/capabilities.js';
import type { QueryEvent } from '../engine/driver.js';
import { requestText } from './request-text.js';
import type { TracingOptions } from './tracing-options.js';

export type { TracingOptions };

const SCOPE = 'quern';

/** What a query span is opened with. */
export interface QuerySpanInfo {
  readonly driver: DriverName;
  /** `db.system.name` (OpenTelemetry database semantic conventions): the target descriptor's `dbSystem`. */
  readonly system: string;
  readonly method: string;
  readonly model: string;
  readonly table: string;
  readonly shapeId: string;
  readonly operations: readonly string[];
}

export class Tracing {
  private constructor(
    private readonly api: typeof Otel,
    private readonly tracer: Otel.Tracer,
    private readonly duration: Otel.Histogram,
    private readonly requests: Otel.Counter,
  ) {}

  static async open(opt: true | TracingOptions): Promise<Tracing> {
    if (opt !== true && (typeof opt !== 'object' || opt === null))
      throw new ValidationError('createClient.tracing', 'expected true or { tracerProvider?, meterProvider? }');
    const given = opt === true ? {} : opt;
    for (const [k, method] of [
      ['tracerProvider', 'getTracer'],
      ['meterProvider', 'getMeter'],
    ] as const) {
      const p = given[k] as Record<string, unknown> | undefined;
      if (p !== undefined && typeof p?.[method] !== 'function')
        throw new ValidationError(
          `createClient.tracing.${k}`,
          `expected an OpenTelemetry ${k === 'tracerProvider' ? 'TracerProvider' : 'MeterProvider'} (an object with ${method}())`,
        );
    }
    const api = await loadPeer('@opentelemetry/api', 'createClient({ tracing })', () => import('@opentelemetry/api'));
    const tracer = ((given.tracerProvider as Otel.TracerProvider | undefined) ?? api.trace.getTracerProvider()).getTracer(SCOPE);
    const meter = ((given.meterProvider as Otel.MeterProvider | undefined) ?? api.metrics.getMeterProvider()).getMeter(SCOPE);
    const duration = meter.createHistogram('db.client.operation.duration', { unit: 's', description: 'Duration of quern queries, per query shape' });
    const requests = meter.createCounter('quern.client.requests', { unit: '{request}', description: 'Requests quern sent to the database, per query shape' });
    return new Tracing(api, tracer, duration, requests);
  }

  /** Opens the query span and runs `body` with it active; the returned handle records requests and ends it. */
  start(info: QuerySpanInfo): QuerySpan {
    const system = info.system;
    const metricAttrs: Otel.Attributes = {
      'db.system.name': system,
      'db.operation.name': info.method,
      'db.collection.name': info.table,
      'quern.shape.id': info.shapeId,
    };
    const span = this.tracer.startSpan(`${info.method} ${info.table}`, {
      kind: this.api.SpanKind.CLIENT,
      attributes: { ...metricAttrs, 'quern.model': info.model, 'quern.method': info.method, 'quern.plan.operations': [...info.operations] },
    });
    return new QuerySpan(this.api, this.tracer, span, system, metricAttrs, this.duration, this.requests);
  }
}

export class QuerySpan {
  private requestCount = 0;
  private capacity: number | undefined;
  private readonly texts = new Set<string>();
  private readonly started = performance.now();
  readonly context: Otel.Context;

  constructor(
    private readonly api: typeof Otel,
    private readonly tracer: Otel.Tracer,
    private readonly span: Otel.Span,
    private readonly system: string,
    private readonly metricAttrs: Otel.Attributes,
    private readonly duration: Otel.Histogram,
    private readonly requests: Otel.Counter,
  ) {
    this.context = api.trace.setSpan(api.context.active(), span);
  }

  /** Runs fn with the query span active, so spans the user's code or other instrumentation opens nest under it. */
  with<T>(fn: () => T): T {
    return this.api.context.with(this.context, fn);
  }

  /** One request, reported when it has finished: a child span back-dated to when it was sent. */
  request(e: QueryEvent): void {
    this.requestCount++;
    if (e.consumedCapacity !== undefined) this.capacity = (this.capacity ?? 0) + e.consumedCapacity;
    const text = requestText(e);
    if (text) this.texts.add(text);
    const end = performance.timeOrigin + performance.now();
    const attributes: Otel.Attributes = {
      'db.system.name': this.system,
      'db.operation.name': e.operation === 'sql' ? sqlVerb(e.sql) : e.operation,
      'quern.rows': e.rowCount,
    };
    const collection = requestCollection(e);
    if (collection) attributes['db.collection.name'] = collection;
    if (text) attributes['db.query.text'] = text;
    if (e.consumedCapacity !== undefined) attributes['aws.dynamodb.consumed_capacity'] = e.consumedCapacity;
    const child = this.tracer.startSpan(
      `${attributes['db.operation.name']}${collection ? ` ${collection}` : ''}`,
      { kind: this.api.SpanKind.CLIENT, startTime: end - e.durationMs, attributes },
      this.context,
    );
    child.end(end);
  }

  /** Ends the span; `error` is recorded by class (and diagnostic code), never by message, which may quote values. */
  end(rows: number | undefined, error?: unknown): void {
    const s = this.span;
    s.setAttribute('quern.requests', this.requestCount);
    if (rows !== undefined) s.setAttribute('quern.rows', rows);
    if (this.texts.size) s.setAttribute('db.query.text', [...this.texts].join('; '));
    if (this.capacity !== undefined) s.setAttribute('aws.dynamodb.consumed_capacity', this.capacity);
    if (error !== undefined) {
      const type = errorType(error);
      s.setAttribute('error.type', type);
      const code = (error as { code?: unknown })?.code;
      if (typeof code === 'string') s.setAttribute('quern.error.code', code);
      s.setStatus({ code: this.api.SpanStatusCode.ERROR, message: typeof code === 'string' ? `${type} ${code}` : type });
    }
    s.end();
    const attrs = error === undefined ? this.metricAttrs : { ...this.metricAttrs, 'error.type': errorType(error) };
    this.duration.record((performance.now() - this.started) / 1000, attrs);
    if (this.requestCount) this.requests.add(this.requestCount, attrs);
  }
}

const errorType = (e: unknown) => (e instanceof Error ? e.constructor.name : typeof e);

/** `SELECT`, `INSERT`, `WITH`, ...: the statement's first keyword. */
function sqlVerb(sql: string | undefined): string {
  const m = /^\s*([A-Za-z]+)/.exec(sql ?? '');
  return m ? m[1].toUpperCase() : 'sql';
}

/** The table(s) a request touched: the SQL model's table is not parsed out of the text; DynamoDB names it. */
function requestCollection(e: QueryEvent): string | undefined {
  const r = e.request as { TableName?: unknown; RequestItems?: object; TransactItems?: readonly Record<string, { TableName?: unknown }>[] } | undefined;
  if (!r) return undefined;
  if (typeof r.TableName === 'string') return r.TableName;
  if (r.RequestItems) return Object.keys(r.RequestItems).join(',');
  if (r.TransactItems) {
    const tables = new Set<string>();
    for (const item of r.TransactItems) for (const part of Object.values(item)) if (typeof part?.TableName === 'string') tables.add(part.TableName);
    return [...tables].join(',');
  }
  return undefined;
}
