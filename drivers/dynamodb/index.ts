/**
 * `quern/dynamodb`: the DynamoDB driver. `dynamodb()` runs on
 * @aws-sdk/client-dynamodb (pinned); with no options it uses the standard AWS
 * configuration chain (environment, shared config, instance roles).
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { resolveTimeouts, type ConnectSettings, type Driver, type Executor } from '../../src/engine/driver.js';
import { KvExecutor } from '../../src/engine/kv/executor.js';
import { SchemaError } from '../../src/errors.js';
import { refuseWhenClosed } from '../../src/engine/closed.js';
import { checkKvSchema } from '../../src/plan/kv/schema-check.js';
import type { SchemaDef } from '../../src/schema/define.js';
import { DynamoCore } from './core.js';
import { DEFAULT_RETRY, type RetryPolicy, type SendPolicy } from './send.js';
import { localCredentials, localRegion } from './local.js';
import { pushTables } from './tables.js';
import { dynamodbTarget } from './target.js';

export interface DynamoOptions {
  /** e.g. http://localhost:8000 for DynamoDB Local. */
  endpoint?: string;
  region?: string;
  credentials?: DynamoDBClientConfig['credentials'];
  /** Bring your own client (its configuration is used as is; close() leaves it open). */
  client?: DynamoDBClient;
  /** Prepended to every table name (environments, tests). */
  tablePrefix?: string;
  /** Retries for throttling, 5xx and transaction conflicts. */
  retry?: Partial<RetryPolicy>;
  /** Requests in flight at most for one query (includes, key chunks). Default 8. */
  concurrency?: number;
  /**
   * Caps the items one Query/Scan request evaluates (DynamoDB's Limit), bounding the read
   * capacity a single request may use. Filtered reads still return full pages: the engine
   * keeps reading until it has enough matches.
   */
  readPageLimit?: number;
  /** Bound on opening a connection (default 10,000 ms; 0: none). createClient's connectTimeoutMs overrides it. */
  connectTimeoutMs?: number;
  /** Bound on each request, retries apart (default 60,000 ms; 0: none). createClient's requestTimeoutMs overrides it. */
  requestTimeoutMs?: number;
}

/**
 * The client quern makes when none is given, configured for what a request costs on the wire
 * and in the process (docs/performance.md, DynamoDB):
 * - `maxAttempts: 1`: quern retries itself (with jitter, and idempotency tokens for transactions);
 * - the request timeout is the HTTP handler's (`throwOnRequestTimeout`, one timer per request), not
 *   an AbortController per request, whose listeners and abort race in the SDK's retry step cost more;
 * - no SDK logger middleware: it runs the SDK's sensitive-field filter over every input and output
 *   (each attribute of each item) even with its no-op logger; quern reports requests through `log`.
 */
function ownClient(
  endpoint: string | undefined,
  region: string | undefined,
  credentials: DynamoDBClientConfig['credentials'],
  connectTimeoutMs: number,
): DynamoDBClient {
  const client = new DynamoDBClient({
    ...(endpoint ? { endpoint } : {}),
    ...(region ? { region } : {}),
    ...(credentials ? { credentials } : {}),
    maxAttempts: 1,
    requestHandler: { throwOnRequestTimeout: true, ...(connectTimeoutMs > 0 ? { connectionTimeout: connectTimeoutMs } : {}) },
  });
  client.middlewareStack.remove('loggerMiddleware');
  return client;
}

export interface DynamoDriver extends Driver {
  readonly raw: DynamoDBClient;
}

export function dynamodb(opts: DynamoOptions = {}): DynamoDriver {
  const own = !opts.client;
  const fromDriver: Partial<ConnectSettings> = { connectTimeoutMs: opts.connectTimeoutMs, requestTimeoutMs: opts.requestTimeoutMs };
  let connectTimeoutMs = resolveTimeouts(undefined, fromDriver).connectTimeoutMs;
  // Made on first use, so that createClient's connectTimeoutMs reaches the HTTP handler.
  let client = opts.client;
  // Read when the driver is made: DynamoDB Local needs no AWS settings in the environment.
  const region = opts.region ?? localRegion(opts.endpoint);
  const credentials = opts.credentials ?? localCredentials(opts.endpoint);
  const sdk = (): DynamoDBClient => (client ??= ownClient(opts.endpoint, region, credentials, connectTimeoutMs));
  const prefix = opts.tablePrefix ?? '';
  const endpoint = opts.endpoint ?? (opts.region ? `DynamoDB (${opts.region})` : 'DynamoDB');
  // On its own client the HTTP handler enforces requestTimeoutMs (see ownClient); a caller's client may not throw on it.
  const policy = (t: ConnectSettings): SendPolicy => ({ ...DEFAULT_RETRY, ...opts.retry, ...t, endpoint, handlerTimeout: own });
  let closed = false;
  return {
    name: 'dynamodb',
    target: dynamodbTarget,
    get raw() {
      return sdk();
    },
    async connect(schema: SchemaDef, settings?: Partial<ConnectSettings>): Promise<Executor> {
      const t = resolveTimeouts(settings, fromDriver);
      if (settings?.connectTimeoutMs !== undefined && !client) connectTimeoutMs = settings.connectTimeoutMs;
      const inner = new KvExecutor(new DynamoCore(sdk(), schema, prefix, policy(t), opts.readPageLimit), dynamodbTarget, {
        concurrency: opts.concurrency,
      });
      return refuseWhenClosed(inner, () => closed, 'dynamodb');
    },
    async push(schema: SchemaDef) {
      // The same schema errors createClient raises, for callers that push without a client.
      const problems = checkKvSchema(schema).filter((d) => d.severity === 'error');
      if (problems.length) {
        const d = problems[0];
        throw new SchemaError(`${d.message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`, d.model, undefined, d.code, d.fix);
      }
      await pushTables(sdk(), schema, prefix);
    },
    async close() {
      if (closed) return;
      closed = true;
      if (own) client?.destroy();
    },
  };
}

export { dynamodbTarget, describeOperation } from './target.js';
export { createTableInput, uniqueTableInput, schemaTableInputs, gsiInput, attributeType, ensureTable, waitActive, pushTables } from './tables.js';
export { uniqueEntryKey, uniqueEntryItem, UNIQUE_TABLE, UNIQUE_PK } from './unique.js';
export { encodeField, decodeField, encodeRow, decodeRow, encodeKey } from './marshal.js';
