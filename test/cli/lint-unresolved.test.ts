/**
 * Lint must not pass in silence when TypeScript cannot resolve the app's imports: with the client
 * type unresolved no call looks like a query, and "no problems (0 query sites)" would be a lie.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../../cli/main.js';

// Under the repo so the root tsconfig (NodeNext, paths for 'quern') applies to the fixture.
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DIR = join(ROOT, 'test', 'fixtures', 'generated', `lint-unresolved-${process.pid}`);
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

mkdirSync(join(DIR, 'src'), { recursive: true });
writeFileSync(
  join(DIR, 'schema.ts'),
  `import { defineSchema, f, model } from 'quern';\nexport const schema = defineSchema({ user: model('User', { id: f.uuid().key().auto(), name: f.string() }) });\n`,
);
writeFileSync(join(DIR, 'quern.config.ts'), `export default { schema: './schema.ts', targets: ['dynamodb'], include: ['src/**/*.ts'] };\n`);
writeFileSync(
  join(DIR, 'src', 'db.ts'),
  `import type { Client } from 'quern';\nimport type { schema } from '../schema.js';\nexport type AppDb = Client<typeof schema>;\n`,
);

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((c: string | Uint8Array) => ((stdout += String(c)), true)) as typeof process.stdout.write;
  process.stderr.write = ((c: string | Uint8Array) => ((stderr += String(c)), true)) as typeof process.stderr.write;
  try {
    return { code: await run(['node', 'quern', ...args]), stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

function queries(dbImport: string): void {
  writeFileSync(
    join(DIR, 'src', 'queries.ts'),
    `import type { AppDb } from '${dbImport}';\nexport const byName = (db: AppDb, name: string) => db.user.findMany({ where: { name } });\n`,
  );
}

describe('quern lint with unresolved imports', () => {
  it('an extensionless import under NodeNext is an error naming the file and module, not "no problems"', { timeout: 120_000 }, async () => {
    queries('./db');
    const r = await cli('lint', '--config', join(DIR, 'quern.config.ts'));
    expect(r.code).toBe(2);
    expect(r.stdout).not.toMatch(/no problems/);
    expect(r.stderr).toMatch(/cannot resolve '\.\/db'/);
    expect(r.stderr).toContain(join(DIR, 'src', 'queries.ts') + ':1:');
  });

  it('the same app with the extension lints the query site', { timeout: 120_000 }, async () => {
    queries('./db.js');
    const r = await cli('lint', '--config', join(DIR, 'quern.config.ts'), '-f', 'json');
    expect(r.stderr).not.toMatch(/cannot resolve/);
    expect(JSON.parse(r.stdout).summary.sites).toBeGreaterThan(0);
  });
});
