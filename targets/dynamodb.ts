/** The dynamodb target: DynamoDB (or DynamoDB Local) through the AWS SDK, an optional peer loaded on first use. */
import { loadPeer } from '../src/peer.js';
import { dynamodbFormat } from '../migrations/dynamodb/format.js';
import type { TargetEntry } from './types.js';
import { flagText } from './options.js';

export interface DynamoConnection {
  readonly endpoint?: string;
  readonly region: string;
  readonly tablePrefix: string;
  /** Bound on connecting and on each request's answer (0: none); default DEFAULT_CONNECT_TIMEOUT_MS. */
  readonly connectTimeoutMs?: number;
}

const sdk = <T>(what: string, load: () => Promise<T>) => loadPeer('@aws-sdk/client-dynamodb', what, load);

export const dynamodbEntry: TargetEntry<'dynamodb', DynamoConnection> = {
  name: 'dynamodb',
  plan: 'dynamodb',
  label: 'DynamoDB',
  options: [
    {
      key: 'endpoint',
      type: 'string',
      doc: 'endpoint URL, e.g. http://localhost:8000 for DynamoDB Local (default: AWS_ENDPOINT_URL_DYNAMODB)',
      flag: '--endpoint <url>',
      flagHelp:
        'DynamoDB endpoint, e.g. http://localhost:8000 for DynamoDB Local (default: dynamodb.endpoint in quern.config.ts, then AWS_ENDPOINT_URL_DYNAMODB)',
    },
    {
      key: 'region',
      type: 'string',
      doc: 'AWS region (default: AWS_REGION)',
      flag: '--region <region>',
      flagHelp: 'DynamoDB region (default: dynamodb.region, AWS_REGION)',
    },
    {
      key: 'tablePrefix',
      type: 'string',
      doc: "prefix of every table name (default: '')",
      flag: '--table-prefix <prefix>',
      flagHelp: 'DynamoDB table-name prefix (default: dynamodb.tablePrefix)',
    },
  ],
  connection({ flags, section, env, connectTimeoutMs }) {
    const endpoint = flagText(flags, 'endpoint') ?? section?.endpoint ?? (env.AWS_ENDPOINT_URL_DYNAMODB || undefined);
    const region = flagText(flags, 'region') ?? section?.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    if (endpoint === undefined && region === undefined) return undefined;
    return {
      ...(endpoint ? { endpoint } : {}),
      region: region ?? 'us-east-1',
      tablePrefix: flagText(flags, 'tablePrefix') ?? section?.tablePrefix ?? '',
      connectTimeoutMs,
    };
  },
  missing: {
    message: 'no DynamoDB connection',
    fix: 'pass --endpoint http://… (DynamoDB Local) or --region, set dynamodb.endpoint / dynamodb.region in quern.config.ts, or AWS_ENDPOINT_URL_DYNAMODB / AWS_REGION (or choose another target with --target)',
  },
  describe: (c) => `${c.endpoint ?? `DynamoDB ${c.region}`}${c.tablePrefix ? ` (prefix ${c.tablePrefix})` : ''}`,
  initConfig: "dynamodb: { endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB, region: process.env.AWS_REGION ?? 'us-east-1' }",
  descriptor: async () => (await import('../drivers/dynamodb/target.js')).dynamodbTarget,
  async driver(c) {
    const [{ dynamodb }, { dynamoClient }] = await sdk('quern on DynamoDB', () =>
      Promise.all([import('../drivers/dynamodb/index.js'), import('../migrations/dynamodb/client.js')]),
    );
    return dynamodb({ client: dynamoClient(c), tablePrefix: c.tablePrefix });
  },
  async push(c, schema) {
    const { pushDynamo } = await sdk('quern db push on DynamoDB', () => import('../migrations/dynamodb/push.js'));
    return pushDynamo(schema, c);
  },
  format: dynamodbFormat,
  migrator: async () => (await sdk('quern migrate on DynamoDB', () => import('../migrations/dynamodb/migrator.js'))).dynamodbMigrator,
};
