/**
 * The registry of targets (targets/index.ts) is the one list the CLI and the migration engine
 * read: its entries must be consistent with each other, because nothing else names a target.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEPLOY_TARGETS, MIGRATION_FORMATS, PLAN_TARGETS, TARGETS, planTarget, targetDescriptor } from '../../targets/index.js';
import { flagKey } from '../../targets/options.js';
import { resolveConnections, missingConnection } from '../../migrations/connections.js';
import { capabilitiesFor } from '../../src/plan/capabilities.js';
import { MigrationError } from '../../migrations/errors.js';

describe('registry of targets', () => {
  it('each entry is registered under its own name, and each plan target has one migration file', () => {
    for (const t of DEPLOY_TARGETS) expect(TARGETS[t].name).toBe(t);
    expect(PLAN_TARGETS).toEqual([...new Set(DEPLOY_TARGETS.map(planTarget))]);
    expect(MIGRATION_FORMATS.map((f) => f.plan)).toEqual(PLAN_TARGETS);
    const files = MIGRATION_FORMATS.map((f) => f.file);
    expect(new Set(files).size).toBe(files.length);
    expect(files).not.toContain('snapshot.json');
  });

  it("no two targets declare the same CLI flag, and each flag sets one of its target's config keys", () => {
    const flags = DEPLOY_TARGETS.flatMap((t) => TARGETS[t].options.filter((o) => o.flag).map((o) => flagKey(o)));
    expect(new Set(flags).size).toBe(flags.length);
    expect(flags).not.toContain('connectTimeout');
  });

  it("docs/config.md documents every target's config keys and flags", () => {
    const doc = readFileSync(new URL('../../docs/config.md', import.meta.url), 'utf8');
    for (const t of DEPLOY_TARGETS) {
      for (const o of TARGETS[t].options) {
        expect(doc, `${t}.${o.key}`).toContain(`| \`${t}.${o.key}\` |`);
        if (o.flag) expect(doc, o.flag).toContain(`\`${o.flag.split(' ')[0]}\``);
      }
    }
  });

  it('an embedded target (one with local data) has an in-memory scratch driver, which the demo runs on; a server target has none', () => {
    for (const t of DEPLOY_TARGETS) expect(typeof TARGETS[t].scratch, t).toBe(TARGETS[t].localData ? 'function' : 'undefined');
  });

  it("a target's descriptor plans as its plan target", async () => {
    for (const p of PLAN_TARGETS) expect((await targetDescriptor(p)).capabilities).toBe(capabilitiesFor[p]);
  });

  it('connections come from flags over the config section; a target with none is left out and named by missingConnection', () => {
    const saved = { ...process.env };
    try {
      delete process.env.DATABASE_URL;
      delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
      delete process.env.AWS_REGION;
      delete process.env.AWS_DEFAULT_REGION;
      const c = resolveConnections(
        { schema: 's', postgres: { url: 'postgres://a@h/db' }, dynamodb: { endpoint: 'http://h:1', tablePrefix: 'p_' } },
        { url: 'postgres://b@h/db' },
        '/root',
      );
      expect(c.postgres?.url).toBe('postgres://b@h/db');
      expect(c.dynamodb).toMatchObject({ endpoint: 'http://h:1', tablePrefix: 'p_', region: 'us-east-1' });
      expect(c.pglite?.dataDir).toBe('/root/.quern/pglite');
      const none = resolveConnections({ schema: 's' }, {}, '/root');
      expect(none.postgres).toBeUndefined();
      expect(none.dynamodb).toBeUndefined();
      const e = missingConnection('dynamodb');
      expect(e).toBeInstanceOf(MigrationError);
      expect(e.message).toContain(TARGETS.dynamodb.missing.message);
    } finally {
      process.env = saved;
    }
  });
});
