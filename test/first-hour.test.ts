/**
 * Acceptance: the first hour of a new user, from the packed tarball in a fresh
 * app folder (scripts/first-hour.ts): init, migrate dev on PGlite, db push +
 * baseline + apply on a real PostgreSQL, lint on DynamoDB; the app type-checks
 * against quern's published types; missing peers name their install command;
 * a PostgreSQL-only install stays within 15 MB besides pg.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { availableBackends, freshPgDatabase } from './harness/index.js';
import { firstHour, SIZE_BUDGET_BYTES, type FirstHourResult } from '../scripts/first-hour.js';

const REPO = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');

/** `npm test` builds dist before vitest runs and says so (QUERN_DIST_BUILT); a lone run of this file builds first. */
function ensureBuilt(): void {
  if (process.env.QUERN_DIST_BUILT !== '1') execFileSync('npm', ['run', 'build'], { cwd: REPO, stdio: 'inherit' });
}

const hasPg = availableBackends().includes('postgres');

describe.skipIf(!hasPg)('the first hour, from the packed tarball', () => {
  let result: FirstHourResult | undefined;
  let drop: (() => Promise<void>) | undefined;
  afterAll(async () => drop?.());

  it('init → migrate dev (PGlite) → db push + baseline + apply (PostgreSQL) → lint (DynamoDB)', async () => {
    ensureBuilt();
    const db = await freshPgDatabase();
    drop = db.drop;
    result = await firstHour({ pgUrl: db.url, build: false, log: () => undefined });
    const names = result.steps.map((s) => s.step);
    expect(names).toEqual([
      'init',
      'typecheck the app (skipLibCheck off)',
      'migrate dev on PGlite',
      'the app runs on the migrated PGlite database',
      'db push on PostgreSQL',
      'migrate status explains the pushed database',
      'migrate baseline on PostgreSQL',
      'migrate apply on PostgreSQL',
      'lint on DynamoDB',
      'quern/dynamodb without the AWS SDK names the install command',
      'quern lint without TypeScript names the install command',
    ]);
    const lint = result.steps.find((s) => s.step === 'lint on DynamoDB')!;
    expect(lint.code).toBe(0);
  }, 900_000);

  it('a PostgreSQL-only app installs at most 15 MB besides pg, and none of the other drivers', () => {
    expect(result, 'the first-hour run above failed').toBeDefined();
    expect(result!.installBytes).toBeLessThanOrEqual(SIZE_BUDGET_BYTES);
    for (const heavy of ['typescript', '@electric-sql/pglite', '@aws-sdk/client-dynamodb', 'pg']) expect(result!.installPackages).not.toContain(heavy);
  });
});
