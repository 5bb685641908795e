/**
 * Fixes that point at the remedy: when a denormalization declaration would serve a refused query,
 * its fix names it in `quern lint`, in the `migrate generate` capability report and in `explain`
 * (the run-time errors are asserted in fanout.test.ts and sharded-order.test.ts).
 */
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createClient } from 'quern';
import { dynamodbTarget } from '../../drivers/dynamodb/target.js';
import { run } from '../../cli/main.js';
import { schema } from '../fixtures/remedies-app/schema.js';
import { FIXTURE } from './fixture.js';

const APP = join(FIXTURE, '..', 'remedies-app');
const SCRATCH = join(FIXTURE, '..', 'generated', `remedies-${process.pid}`);
afterAll(() => rmSync(SCRATCH, { recursive: true, force: true }));

const COLOCATED = 'colocated: true';
const SHARDED = "index('createdAt', { shards: 8 })";

async function cli(...args: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const out = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += String(chunk)), true)) as typeof process.stdout.write;
  try {
    return { code: await run(['node', 'quern', ...args]), stdout };
  } finally {
    process.stdout.write = out;
  }
}

describe('fixes name the denormalization that serves the query', () => {
  it('quern lint: the include fan-out names colocated: true, the whole-table order names a sharded index', async () => {
    const r = await cli('lint', '--config', join(APP, 'quern.config.ts'), '--format', 'json');
    const findings = JSON.parse(r.stdout).findings as { code: string; fix?: string }[];
    expect(findings.find((f) => f.code === 'fanout')?.fix).toContain(COLOCATED);
    expect(findings.find((f) => f.code === 'order-unsupported' || f.code === 'scan-required')?.fix).toContain(SHARDED);
  });

  it('migrate generate: the capability report names both', async () => {
    const dir = join(SCRATCH, 'app');
    mkdirSync(dir, { recursive: true });
    cpSync(APP, dir, { recursive: true });
    const r = await cli('migrate', 'generate', '--config', join(dir, 'quern.config.ts'), '--name', 'init');
    expect(r.code).toBe(0);
    const report = r.stdout.slice(r.stdout.indexOf('Capability report'));
    expect(report).toContain(COLOCATED);
    expect(report).toContain(SHARDED);
  });

  it('explain (offline, DynamoDB target): both fixes', async () => {
    const db = await createClient({
      schema,
      driver: {
        name: 'dynamodb',
        target: dynamodbTarget,
        raw: null,
        connect: async () => ({}) as never,
        push: async () => undefined,
        close: async () => undefined,
      },
    });
    const fan = await db.author.findMany({ where: { team: 't' }, include: { stories: true } }).explain();
    expect(fan.diagnostics.find((d) => d.code === 'fanout')?.fix).toContain(COLOCATED);
    const order = await db.story.findMany({ orderBy: { createdAt: 'desc' }, limit: 20 }).explain();
    expect(order.diagnostics.map((d) => d.fix).join('\n')).toContain(SHARDED);
    expect(order.text).toContain(SHARDED);
    await db.close();
  });
});
