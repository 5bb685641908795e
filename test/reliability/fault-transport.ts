/**
 * A fault-injecting transport for the AWS SDK: a request handler wrapped
 * around the SDK's own, handed to `dynamodb({ client })`. At random points
 * (seeded) it answers for DynamoDB — throttling, 500s, a transaction conflict,
 * BatchGetItem keys left unprocessed, a Query/Scan page cut short as DynamoDB's
 * 1 MB page limit does — or lets the request reach DynamoDB and then drops the
 * connection before the answer, so the write happened but the client cannot know.
 *
 * Only the transport is fake; the database is DynamoDB Local, and every
 * synthetic answer is one the real service sends.
 */
import { Readable } from 'node:stream';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Rng } from './random.js';

export const FAULT_KINDS = ['throttle', 'server-500', 'transaction-conflict', 'unprocessed-keys', 'short-page', 'drop-before-send', 'drop-after-send'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Which faults apply to which operation (a fault that cannot happen to an operation is never injected there). */
function applies(kind: FaultKind, op: string): boolean {
  switch (kind) {
    case 'throttle':
    case 'server-500':
    case 'drop-before-send':
    case 'drop-after-send':
      return !['CreateTable', 'DescribeTable', 'UpdateTable', 'DeleteTable', 'UpdateTimeToLive', 'ListTables'].includes(op);
    case 'transaction-conflict':
      return op === 'TransactWriteItems';
    case 'unprocessed-keys':
      return op === 'BatchGetItem';
    case 'short-page':
      return op === 'Query' || op === 'Scan';
  }
}

interface HttpRequestLike {
  headers: Record<string, string>;
  body?: unknown;
}
interface HttpResponseLike {
  statusCode: number;
  reason?: string;
  headers: Record<string, string>;
  body: unknown;
}
interface Handler {
  handle(request: HttpRequestLike, options?: unknown): Promise<{ response: HttpResponseLike }>;
  destroy?(): void;
}

export interface FaultControl {
  /** Probability that a request gets a fault (0 turns injection off). */
  rate: number;
  /** The kinds to draw from. */
  kinds: readonly FaultKind[];
  /** Faults injected so far, by kind. */
  readonly injected: Record<FaultKind, number>;
  /** The same, by `kind@Operation`. */
  readonly byOperation: Record<string, number>;
  /** Runs before a request is sent (to interleave another client's write at an exact point). */
  beforeSend?: (operation: string) => Promise<void>;
  /** Key attributes of a table or index (for cutting pages short with a valid LastEvaluatedKey). */
  keyAttributes?: (table: string, index: string | undefined) => readonly string[] | null;
}

async function drain(body: unknown): Promise<Buffer> {
  if (!body) return Buffer.alloc(0);
  if (body instanceof Uint8Array) return Buffer.from(body);
  const chunks: Buffer[] = [];
  for await (const c of body as AsyncIterable<Uint8Array | string>) chunks.push(typeof c === 'string' ? Buffer.from(c) : Buffer.from(c));
  return Buffer.concat(chunks);
}

function jsonResponse(statusCode: number, body: unknown, headers: Record<string, string> = {}): { response: HttpResponseLike } {
  const buf = Buffer.from(JSON.stringify(body));
  return {
    response: {
      statusCode,
      headers: { ...headers, 'content-type': 'application/x-amz-json-1.0', 'content-length': String(buf.length), 'x-amzn-requestid': 'injected-fault' },
      body: Readable.from([buf]),
    },
  };
}

const serviceError = (status: number, type: string, message: string, extra: Record<string, unknown> = {}) =>
  jsonResponse(status, { __type: `com.amazonaws.dynamodb.v20120810#${type}`, message, ...extra });

function networkError(message: string): Error {
  return Object.assign(new Error(message), { code: 'ECONNRESET', name: 'Error' });
}

function bodyOf(request: HttpRequestLike): Record<string, unknown> {
  const b = request.body;
  if (b instanceof Uint8Array) return JSON.parse(Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8'));
  if (typeof b === 'string') return JSON.parse(b);
  return {};
}

/** Rewrites a successful JSON answer (the original request did reach DynamoDB). */
async function rewrite(
  res: { response: HttpResponseLike },
  edit: (body: Record<string, unknown>) => Record<string, unknown> | null,
): Promise<{ response: HttpResponseLike }> {
  const raw = await drain(res.response.body);
  if (res.response.statusCode !== 200) return { response: { ...res.response, body: Readable.from([raw]) } };
  const edited = edit(JSON.parse(raw.toString('utf8')));
  if (edited === null) return { response: { ...res.response, body: Readable.from([raw]) } };
  const { 'x-amz-crc32': _crc, 'content-length': _len, ...headers } = res.response.headers;
  void _crc;
  void _len;
  return jsonResponse(200, edited, headers);
}

const keyOf = (item: Record<string, unknown>, attrs: readonly string[]) => JSON.stringify(attrs.map((a) => item[a] ?? null));

class FaultyHandler implements Handler {
  constructor(
    private readonly inner: Handler,
    private readonly ctl: FaultControl,
    private readonly r: Rng,
  ) {}

  private choose(op: string): FaultKind | null {
    if (this.ctl.rate <= 0 || this.r() >= this.ctl.rate) return null;
    const kinds = this.ctl.kinds.filter((k) => applies(k, op));
    return kinds.length ? this.r.pick(kinds) : null;
  }

  async handle(request: HttpRequestLike, options?: unknown): Promise<{ response: HttpResponseLike }> {
    const target = request.headers['x-amz-target'] ?? request.headers['X-Amz-Target'] ?? '';
    const op = target.split('.').pop() ?? '';
    if (this.ctl.beforeSend) await this.ctl.beforeSend(op);
    const kind = this.choose(op);
    if (!kind) return this.inner.handle(request, options);
    const count = () => {
      this.ctl.injected[kind] = (this.ctl.injected[kind] ?? 0) + 1;
      this.ctl.byOperation[`${kind}@${op}`] = (this.ctl.byOperation[`${kind}@${op}`] ?? 0) + 1;
    };
    switch (kind) {
      case 'throttle':
        count();
        return serviceError(
          400,
          'ProvisionedThroughputExceededException',
          'The level of configured provisioned throughput for the table was exceeded (injected)',
        );
      case 'server-500':
        count();
        return serviceError(500, 'InternalServerError', 'Internal server error (injected)');
      case 'transaction-conflict': {
        count();
        const items = (bodyOf(request).TransactItems as unknown[] | undefined) ?? [];
        const reasons = items.map((_, i) =>
          i === 0 ? { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item (injected)' } : { Code: 'None' },
        );
        return serviceError(
          400,
          'TransactionCanceledException',
          `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((x) => x.Code).join(', ')}] (injected)`,
          { CancellationReasons: reasons },
        );
      }
      case 'drop-before-send':
        count();
        throw networkError('socket hang up (injected before the request was sent)');
      case 'drop-after-send': {
        const res = await this.inner.handle(request, options);
        await drain(res.response.body);
        count();
        throw networkError('read ECONNRESET (injected after the request reached DynamoDB)');
      }
      case 'unprocessed-keys': {
        const req = bodyOf(request).RequestItems as Record<string, { Keys: Record<string, unknown>[] } & Record<string, unknown>>;
        const res = await this.inner.handle(request, options);
        return rewrite(res, (body) => {
          const responses = (body.Responses ?? {}) as Record<string, Record<string, unknown>[]>;
          const unprocessed: Record<string, unknown> = {};
          for (const [table, spec] of Object.entries(req)) {
            if (spec.Keys.length === 0) continue;
            // Leave a random non-empty part of the keys unprocessed, and drop their items from the answer.
            const left = spec.Keys.filter(() => this.r.chance(0.5));
            if (left.length === 0) left.push(spec.Keys[spec.Keys.length - 1]);
            const attrs = Object.keys(left[0]);
            const gone = new Set(left.map((k) => keyOf(k, attrs)));
            responses[table] = (responses[table] ?? []).filter((item) => !gone.has(keyOf(item, attrs)));
            unprocessed[table] = { ...spec, Keys: left };
          }
          if (!Object.keys(unprocessed).length) return null;
          count();
          return { ...body, Responses: responses, UnprocessedKeys: unprocessed };
        });
      }
      case 'short-page': {
        const req = bodyOf(request);
        const res = await this.inner.handle(request, options);
        return rewrite(res, (body) => {
          const items = body.Items as Record<string, unknown>[] | undefined;
          const attrs = this.ctl.keyAttributes?.(String(req.TableName), req.IndexName as string | undefined);
          if (!items || items.length < 2 || !attrs || req.Select === 'COUNT') return null;
          // What the 1 MB limit does: fewer items than asked for, and a LastEvaluatedKey to resume from.
          const keep = this.r.int(1, items.length - 1);
          const last = items[keep - 1];
          if (attrs.some((a) => last[a] === undefined)) return null;
          count();
          return { ...body, Items: items.slice(0, keep), Count: keep, LastEvaluatedKey: Object.fromEntries(attrs.map((a) => [a, last[a]])) };
        });
      }
    }
  }

  destroy(): void {
    this.inner.destroy?.();
  }
}

/**
 * A DynamoDBClient whose transport injects faults under `ctl`'s control. SDK retries are off
 * (maxAttempts 1), as in the driver's own client: quern's retries are what is under test.
 */
export function faultyClient(
  cfg: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } },
  ctl: FaultControl,
  r: Rng,
): DynamoDBClient {
  const base = new DynamoDBClient({ ...cfg, maxAttempts: 1 });
  const inner = base.config.requestHandler as unknown as Handler;
  return new DynamoDBClient({ ...cfg, maxAttempts: 1, requestHandler: new FaultyHandler(inner, ctl, r) as never });
}

export function newControl(kinds: readonly FaultKind[] = FAULT_KINDS, rate = 0): FaultControl {
  return { rate, kinds, injected: Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>, byOperation: {} };
}
