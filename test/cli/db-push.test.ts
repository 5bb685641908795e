/** `quern db push` on an up-to-date database says nothing changed, never "pushed" or "created". */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../../cli/main.js';

const dir = mkdtempSync(join(tmpdir(), 'quern-push-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(
  join(dir, 'schema.ts'),
  `import { defineSchema, f, model } from 'quern';\nexport const schema = defineSchema({ note: model('Note', { id: f.uuid().key().auto(), body: f.string() }) });\n`,
);
writeFileSync(
  join(dir, 'quern.config.ts'),
  `export default { schema: './schema.ts', targets: ['pglite'], pglite: { dataDir: ${JSON.stringify(join(dir, 'data'))} } };\n`,
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

describe('quern db push on pglite', () => {
  it('creates the table once, then says the database is already up to date', { timeout: 120_000 }, async () => {
    const config = ['--config', join(dir, 'quern.config.ts')];
    const first = await cli('db', 'push', ...config);
    expect(first.stderr).not.toMatch(/error|failure/i);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^pglite .*: created Note\b/m);

    const second = await cli('db', 'push', ...config);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^pglite .*: already up to date, nothing created/m);
    expect(second.stdout).not.toMatch(/created Note|pushed/);
  });

  it('a malformed --url is a clear error naming it, before any connection', { timeout: 60_000 }, async () => {
    const r = await cli('db', 'push', '--target', 'postgres', '--url', 'localhost:5432/app', '--config', join(dir, 'quern.config.ts'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad PostgreSQL URL: 'localhost:5432\/app' is not a PostgreSQL URL: it must start with postgres:\/\//);
    expect(r.stderr).not.toMatch(/ENOTFOUND|unparsable/);
  });
});
