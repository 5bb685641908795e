// An app pointed at DynamoDB Local on localhost needs no AWS settings, as the CLI does not: the
// driver gives the local endpoint placeholder credentials and a region when the environment has none.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'quern';
import { dynamodb } from 'quern/dynamodb';
import { freshTablePrefix, testServers } from '../harness/index.js';
import { schema } from './schema.js';

const server = testServers().dynamodb;
const AWS_VARS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION'] as const;

describe.skipIf(!server)('dynamodb() on a localhost endpoint without AWS settings', () => {
  const saved = new Map<string, string | undefined>();
  beforeAll(() => {
    for (const k of AWS_VARS) {
      saved.set(k, process.env[k]);
      delete process.env[k];
    }
  });
  afterAll(() => {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('pushes, writes and reads with no credentials or region given', { timeout: 60_000 }, async () => {
    const endpoint = server!.endpoint.replace('127.0.0.1', 'localhost');
    const db = await createClient({ schema, driver: dynamodb({ endpoint, tablePrefix: freshTablePrefix() }) });
    try {
      await db.push();
      const made = await db.user.create({ data: { email: 'local@x.io', name: 'Local', team: 't' } });
      expect(await db.user.findUnique({ where: { id: made.id } })).toMatchObject({ email: 'local@x.io', name: 'Local' });
    } finally {
      await db.close();
    }
  });
});
