/**
 * quern.config.ts is checked strictly: a typo must stop the CLI (exit 2) and
 * name the key it meant, never fall back to a default in silence.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../../cli/main.js';
import { loadProject } from '../../cli/config.js';
import { ConfigError, ProjectError } from '../../cli/errors.js';
import { DEPLOY_TARGETS, TARGETS } from '../../targets/index.js';
import { closest } from '../../src/suggest.js';

const dir = mkdtempSync(join(tmpdir(), 'quern-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(
  join(dir, 'schema.ts'),
  `import { defineSchema, f, model } from 'quern';\nexport const schema = defineSchema({ a: model('A', { id: f.uuid().key().auto() }) });\n`,
);

let n = 0;
function configFile(body: string): string {
  const file = join(dir, `quern.config.${n++}.ts`);
  writeFileSync(file, body);
  return file;
}

async function loadError(body: string): Promise<ProjectError> {
  const e = await loadProject({ config: configFile(body) }).then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(ProjectError);
  return e as ProjectError;
}

async function cli(...args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const err = process.stderr.write.bind(process.stderr);
  const out = process.stdout.write.bind(process.stdout);
  process.stderr.write = ((c: string | Uint8Array) => ((stderr += String(c)), true)) as typeof process.stderr.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    return { code: await run(['node', 'quern', ...args]), stderr };
  } finally {
    process.stderr.write = err;
    process.stdout.write = out;
  }
}

describe('quern.config.ts validation', () => {
  it("`target: ['dynamodb']` (singular) is refused with did-you-mean 'targets'", async () => {
    const e = await loadError(`export default { schema: './schema.ts', target: ['dynamodb'] };\n`);
    expect(e.message).toMatch(/unknown key 'target' \(did you mean 'targets'\?\)/);
  });

  it('lint exits 2 on the typo instead of checking PostgreSQL only', async () => {
    const file = configFile(`export default { schema: './schema.ts', target: ['dynamodb'] };\n`);
    const r = await cli('lint', '--config', file);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("did you mean 'targets'");
  });

  it('unknown keys inside a section and misspelt targets are named', async () => {
    expect((await loadError(`export default { schema: './schema.ts', postgres: { uri: 'postgres://x' } };\n`)).message).toMatch(
      /unknown key 'postgres.uri' \(did you mean 'url'\?\)/,
    );
    expect((await loadError(`export default { schema: './schema.ts', targets: ['dynamo'] };\n`)).message).toMatch(
      /unknown target 'dynamo' \(did you mean 'dynamodb'\?\)/,
    );
    expect((await loadError(`export default { schema: './schema.ts', pglite: { datadir: './x' } };\n`)).message).toMatch(/did you mean 'dataDir'/);
  });

  it("every target's section is checked against its registry entry: a ConfigError names the field", async () => {
    for (const t of DEPLOY_TARGETS) {
      const key = TARGETS[t].options[0].key;
      const typo = await loadError(`export default { schema: './schema.ts', ${t}: { ${key}x: 'a' } };\n`);
      expect(typo).toBeInstanceOf(ConfigError);
      expect((typo as ConfigError).field).toBe(`${t}.${key}x`);
      expect(typo.message).toContain(`did you mean '${key}'`);
      const wrongType = await loadError(`export default { schema: './schema.ts', ${t}: { ${key}: 42 } };\n`);
      expect(wrongType).toBeInstanceOf(ConfigError);
      expect((wrongType as ConfigError).field).toBe(`${t}.${key}`);
      expect(wrongType.message).toContain(`'${t}.${key}' must be a string`);
    }
    const notObject = await loadError(`export default { schema: './schema.ts', dynamodb: 'http://x' };\n`);
    expect((notObject as ConfigError).field).toBe('dynamodb');
    expect(notObject.message).toMatch(/'dynamodb' must be an object like \{ endpoint: '...', region: '...', tablePrefix: '...' \}/);
  });

  it('a named export instead of the default export says so', async () => {
    const e = await loadError(`export const config = { schema: './schema.ts' };\n`);
    expect(e.message).toMatch(/exports the config as `config`, but quern reads the default export/);
  });

  it('pglite is a target, with pglite.dataDir', async () => {
    const p = await loadProject({ config: configFile(`export default { schema: './schema.ts', targets: ['pglite'], pglite: { dataDir: './db' } };\n`) });
    expect(p.config.targets).toEqual(['pglite']);
    expect(p.config.pglite).toEqual({ dataDir: './db' });
  });

  it('closest() suggests typos only, not unrelated names', () => {
    expect(closest('taregts', ['schema', 'targets'])).toBe('targets');
    expect(closest('migration', ['migrations', 'include'])).toBe('migrations');
    expect(closest('banana', ['schema', 'targets'])).toBeUndefined();
  });
});
