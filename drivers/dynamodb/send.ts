/**
 * Sending one AWS request: bounded retries with exponential backoff and full
 * jitter for throttling, 5xx and transaction conflicts; one QueryEvent per
 * attempt through the client's log hook; service errors mapped to quern's.
 */
import { DynamoDBServiceException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DriverError, QuernError, TimeoutError } from '../../src/errors.js';
import type { Log } from '../../src/engine/kv/core.js';

const RETRYABLE = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TransactionConflictException',
  'TransactionInProgressException',
]);

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly attempts: number;
  readonly baseMs: number;
  readonly capMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 8, baseMs: 25, capMs: 2_000 };

/** Retries plus the bounds on waiting for the server (0 or absent: none), and the endpoint errors name. */
export interface SendPolicy extends RetryPolicy {
  readonly requestTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
  readonly endpoint?: string;
  /**
   * The client's HTTP handler throws on its per-request `requestTimeout` (quern's own client):
   * the bound is passed to it instead of an AbortController.
   */
  readonly handlerTimeout?: boolean;
}

/** The handler's per-request timeout fired (with throwOnRequestTimeout): no answer in time. */
const isRequestTimeout = (e: unknown) => e instanceof Error && e.name === 'TimeoutError' && /requestTimeout/.test(e.message);

/** The HTTP handler's connectionTimeout fired: the TCP connection was never established. */
const isConnectTimeout = (e: unknown) => e instanceof Error && e.name === 'TimeoutError' && /establish a connection/.test(e.message);

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Full jitter: a uniform delay up to the exponential bound. */
export const backoff = (p: RetryPolicy, attempt: number) => Math.random() * Math.min(p.capMs, p.baseMs * 2 ** attempt);

const NETWORK = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'TimeoutError', 'RequestTimeout']);

/** A connection dropped before an answer (e.g. a kept-alive socket the server had just closed). */
export function isNetwork(e: unknown): boolean {
  if (!e || typeof e !== 'object') return false;
  const o = e as { code?: string; name?: string };
  return (!!o.code && NETWORK.has(o.code)) || (!!o.name && NETWORK.has(o.name));
}

function isRetryable(e: unknown): boolean {
  if (e instanceof DynamoDBServiceException) {
    if (RETRYABLE.has(e.name)) return true;
    if ((e.$metadata?.httpStatusCode ?? 0) >= 500) return true;
    // A transaction cancelled only because another one held its items: try again.
    if (e.name === 'TransactionCanceledException') {
      const reasons = (e as unknown as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
      const failed = reasons.filter((r) => r.Code && r.Code !== 'None');
      return (
        failed.length > 0 && failed.every((r) => r.Code === 'TransactionConflict' || r.Code === 'ThrottlingError' || r.Code === 'ProvisionedThroughputExceeded')
      );
    }
  }
  return false;
}

export interface SendMeta {
  readonly operation: string;
  /**
   * Safe to resend after a dropped connection: reads, TransactWriteItems (its ClientRequestToken
   * makes a resend a no-op) and table management. Single conditional writes are not: a resend
   * of an applied put would fail its own condition.
   */
  readonly idempotent?: boolean;
  readonly model?: string;
  readonly table: string;
  readonly rowCount: (out: unknown) => number;
}

/** Any client command (the SDK's per-command generics do not unify). */
export type AnyCommand = { readonly input: object };

/** The data-plane commands that take ReturnConsumedCapacity (table management does not). */
const CAPACITY_REPORTED: ReadonlySet<string> = new Set([
  'GetItem',
  'BatchGetItem',
  'Query',
  'Scan',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'TransactWriteItems',
]);

/** Total capacity units of a response: one ConsumedCapacity, or a list of them (BatchGetItem, TransactWriteItems). */
function capacityUnits(c: unknown): number | undefined {
  if (!c) return undefined;
  const list = (Array.isArray(c) ? c : [c]) as { CapacityUnits?: number }[];
  let total = 0;
  for (const x of list) total += x.CapacityUnits ?? 0;
  return total;
}

/** Sends with retries; the caller maps domain errors (conditional failures), this maps the rest. */
export async function send<T>(client: DynamoDBClient, make: () => AnyCommand, meta: SendMeta, log: Log, policy: SendPolicy = DEFAULT_RETRY): Promise<T> {
  const endpoint = policy.endpoint ?? 'DynamoDB';
  for (let attempt = 0; ; attempt++) {
    const cmd = make();
    // Someone is watching (a log hook or tracing): have DynamoDB say what each request cost.
    if (log && CAPACITY_REPORTED.has(meta.operation)) (cmd.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity ??= 'TOTAL';
    const start = performance.now();
    // A server that accepts the connection and never answers would hold the request for ever.
    const limit = policy.requestTimeoutMs ?? 0;
    const abort = limit > 0 && !policy.handlerTimeout ? new AbortController() : undefined;
    const timer = abort ? setTimeout(() => abort.abort(), limit) : undefined;
    try {
      const out = await (client.send as (c: AnyCommand, o?: { abortSignal?: AbortSignal; requestTimeout?: number }) => Promise<unknown>).call(
        client,
        cmd,
        abort ? { abortSignal: abort.signal } : limit > 0 ? { requestTimeout: limit } : undefined,
      );
      if (log) {
        const consumedCapacity = capacityUnits((out as { ConsumedCapacity?: unknown }).ConsumedCapacity);
        log({
          driver: 'dynamodb',
          model: meta.model,
          operation: meta.operation,
          request: cmd.input,
          durationMs: performance.now() - start,
          rowCount: meta.rowCount(out),
          ...(consumedCapacity !== undefined ? { consumedCapacity } : {}),
        });
      }
      return out as T;
    } catch (e) {
      log?.({ driver: 'dynamodb', model: meta.model, operation: meta.operation, request: cmd.input, durationMs: performance.now() - start, rowCount: 0 });
      // Not retried: a server that did not answer in time is reported, not waited for again.
      if (abort?.signal.aborted || (policy.handlerTimeout && limit > 0 && isRequestTimeout(e)))
        throw new TimeoutError('dynamodb', endpoint, 'request', limit, e);
      if (isConnectTimeout(e)) throw new TimeoutError('dynamodb', endpoint, 'connect', policy.connectTimeoutMs ?? 0, e);
      if (attempt + 1 < policy.attempts && (isRetryable(e) || (meta.idempotent && isNetwork(e)))) {
        await sleep(backoff(policy, attempt));
        continue;
      }
      throw e;
    } finally {
      if (timer) clearTimeout(timer);
    }
  }
}

/** The SDK error without its HTTP response (which drags sockets into every printed error). */
export function slim(e: DynamoDBServiceException): Error {
  const out = new Error(e.message);
  out.name = e.name;
  Object.assign(out, { $fault: e.$fault, $metadata: e.$metadata });
  return out;
}

/** Errors no caller handles specially, made readable. */
export function mapError(e: unknown, meta: SendMeta): Error {
  if (e instanceof DynamoDBServiceException) {
    const what = `${meta.operation} on ${meta.table}${meta.model ? ` (${meta.model})` : ''}`;
    switch (e.name) {
      case 'ValidationException':
        return new DriverError('dynamodb', `${what} was rejected by DynamoDB as invalid: ${e.message}`, slim(e));
      case 'ResourceNotFoundException':
        return new DriverError(
          'dynamodb',
          `${what}: table ${meta.table} does not exist; create it with db.push() (development) or quern migrate apply`,
          slim(e),
        );
      default:
        if (RETRYABLE.has(e.name) || (e.$metadata?.httpStatusCode ?? 0) >= 500) {
          return new DriverError('dynamodb', `${what} still failed after retries: ${e.name}: ${e.message}`, slim(e));
        }
        return new DriverError('dynamodb', `${what} failed: ${e.name}: ${e.message}`, slim(e));
    }
  }
  if (e instanceof QuernError) return e;
  return e instanceof Error
    ? new DriverError('dynamodb', `${meta.operation} on ${meta.table} failed: ${e.message}`, e)
    : new DriverError('dynamodb', String(e));
}
