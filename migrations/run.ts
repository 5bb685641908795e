/**
 * The engine's commands without a command line: apply, status and check over
 * every configured target. The CLI (cli/commands/migrate.ts) is a thin layer
 * over these; tests call them directly too.
 */
import type { SchemaDef } from '../src/schema/define.js';
import type { TargetName } from '../src/plan/capabilities.js';
import { missingConnection, planTarget, sqlConnection, type Connections, type DeployTarget } from './connections.js';
import { DestructiveChangeError, MigrationError, MigrationFileError } from './errors.js';
import { assertNoDuplicates, duplicateNumbers, FILES, fileChecksums, loadMigrations, type Migration } from './folder.js';
import { migrationStatus, type StatusRow } from './plan.js';
import type { Progress } from './progress.js';
import type { ApplyResult } from './postgres/apply.js';
import { groupUnits } from './postgres/sql-file.js';
import { loadPeer } from '../src/peer.js';

// Each target's code loads its database client; an app installs only the ones it uses.
const sqlMigrations = () => import('./postgres/apply.js');
const dynamoMigrations = () => loadPeer('@aws-sdk/client-dynamodb', 'quern migrate on DynamoDB', () => import('./dynamodb/apply.js'));
import { normalizeSchema, sameSchema } from './snapshot.js';

export interface ApplyOptions {
  readonly dir: string;
  readonly targets: readonly DeployTarget[];
  readonly connections: Connections;
  readonly allowDestructive?: boolean;
  readonly dryRun?: boolean;
  readonly progress: Progress;
  readonly lockTimeoutMs?: number;
}

/** The migrations that have a file for `target`. */
export function forTarget(migrations: readonly Migration[], target: DeployTarget): Migration[] {
  return migrations.filter((m) => (planTarget(target) === 'postgres' ? m.postgres : m.dynamodb));
}

export async function statusFor(target: DeployTarget, migrations: readonly Migration[], connections: Connections): Promise<StatusRow[]> {
  switch (target) {
    case 'postgres':
    case 'pglite':
      return (await sqlMigrations()).statusPostgres(sqlConnection(target, connections), migrations);
    case 'dynamodb':
      if (!connections.dynamodb) throw missingConnection('dynamodb');
      return (await dynamoMigrations()).statusDynamo(connections.dynamodb, migrations);
    default: {
      const never: never = target;
      throw new MigrationError(`unknown target ${String(never)}`);
    }
  }
}

/**
 * Apply every pending migration to every target. All files are read and every
 * target's ledger is checked (modified files, destructive steps) before
 * anything runs on any target.
 */
export async function applyMigrations(opts: ApplyOptions): Promise<Partial<Record<DeployTarget, ApplyResult>>> {
  const migrations = loadMigrations(opts.dir);
  assertNoDuplicates(migrations);
  for (const t of opts.targets) if (!opts.connections[t]) throw missingConnection(t);

  if (!opts.dryRun) {
    const destructive: string[] = [];
    for (const t of opts.targets) {
      const status = await statusFor(t, migrations, opts.connections);
      const modified = status.filter((s) => s.state === 'modified');
      if (modified.length) {
        const file = planTarget(t) === 'postgres' ? FILES.postgres : FILES.dynamodb;
        throw new MigrationError(
          `applied migration${modified.length > 1 ? 's' : ''} ${modified.map((s) => s.id).join(', ')} changed since applied to ${t} (${file} checksum mismatch)`,
          'restore the applied file from version control and put new changes in a new migration (`quern migrate generate`); nothing was applied',
        );
      }
      for (const s of status) {
        if (s.state !== 'pending' && s.state !== 'partial') continue;
        const m = s.migration!;
        const from = s.row?.done ?? 0;
        if (planTarget(t) === 'postgres') {
          for (const u of groupUnits(m.postgres!.statements).slice(from)) for (const st of u.statements) if (st.destructive) destructive.push(`${m.id} (postgres, line ${st.line}): ${st.destructive}`);
        } else {
          for (const st of m.dynamodb!.parsed.steps.slice(from)) if (st.destructive) destructive.push(`${m.id} (dynamodb): ${st.destructive}`);
        }
      }
    }
    if (destructive.length && !opts.allowDestructive) throw new DestructiveChangeError(destructive, 'apply');
  }

  const out: Partial<Record<DeployTarget, ApplyResult>> = {};
  for (const t of opts.targets) {
    const list = forTarget(migrations, t);
    const common = { migrations: list, allowDestructive: !!opts.allowDestructive, dryRun: !!opts.dryRun, progress: opts.progress, ...(opts.lockTimeoutMs !== undefined ? { lockTimeoutMs: opts.lockTimeoutMs } : {}) };
    out[t] = t === 'dynamodb'
      ? await (await dynamoMigrations()).applyDynamo({ connection: opts.connections.dynamodb!, ...common })
      : await (await sqlMigrations()).applyPostgres({ connection: sqlConnection(t, opts.connections), ...common });
  }
  return out;
}

export type CheckCode = 'malformed-file' | 'duplicate-number' | 'models-changed' | 'edited-migration' | 'out-of-order' | 'modified-applied' | 'interrupted-apply' | 'unreachable';

export interface CheckProblem {
  readonly code: CheckCode;
  readonly message: string;
  readonly fix: string;
}

export interface CheckOptions {
  readonly dir: string;
  readonly schema: SchemaDef;
  readonly targets: readonly DeployTarget[];
  /** Ledgers to compare with; targets without a connection are checked offline only. */
  readonly connections?: Connections;
}

export interface CheckResult {
  readonly problems: readonly CheckProblem[];
  /** What was checked, for the report. */
  readonly notes: readonly string[];
}

/** `migrate check`: everything CI should refuse, each with what to do. */
export async function checkMigrations(opts: CheckOptions): Promise<CheckResult> {
  const problems: CheckProblem[] = [];
  const notes: string[] = [];
  let migrations: Migration[];
  try {
    migrations = loadMigrations(opts.dir);
  } catch (e) {
    if (e instanceof MigrationFileError) return { problems: [{ code: 'malformed-file', message: e.message.split('\n')[0], fix: 'fix the file or restore it from version control' }], notes };
    throw e;
  }
  notes.push(`${migrations.length} migration${migrations.length === 1 ? '' : 's'} in ${opts.dir}`);

  for (const g of duplicateNumbers(migrations)) {
    problems.push({
      code: 'duplicate-number',
      message: `${g.map((m) => m.id).join(' and ')} share the number ${String(g[0].number).padStart(4, '0')} (two branches each generated a migration)`,
      fix: `delete the one that was never applied (likely ${g[g.length - 1].id}), then run \`quern migrate generate\` again to fold its changes into a new migration`,
    });
  }

  // Each snapshot records the files of the migration it was generated on top of.
  for (let i = 0; i < migrations.length; i++) {
    const m = migrations[i];
    const parent = m.snapshot.parent;
    const prev = migrations[i - 1];
    if (!parent) {
      if (prev) problems.push({ code: 'out-of-order', message: `${m.id} was generated as the first migration, but follows ${prev.id}`, fix: `delete ${m.id} and run \`quern migrate generate\` again` });
      continue;
    }
    const base = migrations.find((x) => x.id === parent.id);
    if (!base) {
      problems.push({ code: 'out-of-order', message: `${m.id} was generated on top of ${parent.id}, which is not in the folder`, fix: `restore ${parent.id}, or delete ${m.id} and generate again` });
      continue;
    }
    if (prev && prev.id !== parent.id && !duplicateNumbers(migrations).some((g) => g.includes(m))) {
      problems.push({ code: 'out-of-order', message: `${m.id} was generated on top of ${parent.id}, but follows ${prev.id} (a branch merge)`, fix: `delete ${m.id} (if it was never applied) and run \`quern migrate generate\` again on top of ${prev.id}` });
    }
    const now = fileChecksums(base);
    for (const [file, sum] of Object.entries(parent.checksums)) {
      if (now[file] !== sum) {
        problems.push({ code: 'edited-migration', message: `${base.id}/${file} was edited after ${m.id} was generated on top of it`, fix: `restore ${base.id}/${file} from version control; put the change in a new migration` });
      }
    }
  }

  const last = migrations.at(-1);
  const next = normalizeSchema(opts.schema);
  if (!last) {
    if (Object.keys(next.models).length) problems.push({ code: 'models-changed', message: 'the models have no migration yet', fix: 'run `quern migrate generate --name init` and commit the folder it writes' });
  } else if (!sameSchema(last.snapshot.schema, next)) {
    problems.push({ code: 'models-changed', message: `the models changed since ${last.id} (its snapshot.json differs from the schema)`, fix: 'run `quern migrate generate --name <what changed>` and commit the migration' });
  } else {
    const missing = [...new Set(opts.targets.map(planTarget))].filter((t) => !last.snapshot.targets.includes(t));
    if (missing.length) problems.push({ code: 'models-changed', message: `target${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ha${missing.length > 1 ? 've' : 's'} no migration yet`, fix: 'run `quern migrate generate` to write the files for the new target' });
  }

  for (const t of opts.targets) {
    if (!opts.connections?.[t]) {
      notes.push(`${t}: no connection given, applied migrations not compared (pass --url / --endpoint to compare)`);
      continue;
    }
    let status: StatusRow[];
    try {
      status = await statusFor(t, migrations, opts.connections);
    } catch (e) {
      problems.push({ code: 'unreachable', message: `${t}: ${(e as Error).message.split('\n')[0]}`, fix: 'check the connection settings, or run `quern migrate check --offline`' });
      continue;
    }
    // Applied means finished in the ledger: an edited one ('modified') or one gone from the folder ('missing') still is.
    notes.push(`${t}: compared with the ledger (${status.filter((s) => s.row?.finishedAt).length} applied)`);
    for (const s of status) {
      if (s.state === 'modified') {
        const file = planTarget(t) === 'postgres' ? s.migration!.postgres!.path : s.migration!.dynamodb!.path;
        problems.push({ code: 'modified-applied', message: `${s.id} was applied to ${t} and has been edited since: ${file} (checksum mismatch)`, fix: `restore ${file} from version control; put the change in a new migration` });
      } else if (s.state === 'partial') {
        problems.push({ code: 'interrupted-apply', message: `${s.id} is partially applied on ${t} (${s.row!.done}/${s.row!.total})`, fix: 'run `quern migrate apply` to finish it' });
      } else if (s.state === 'missing') {
        notes.push(`${t}: ${s.id} is applied but not in the folder`);
      }
    }
  }
  return { problems, notes };
}

export interface StatusReport {
  readonly target: DeployTarget;
  readonly rows: readonly StatusRow[] | null;
  /** Why rows is null: no connection, or an error reaching the database. */
  readonly error?: string;
}

export async function migrationStatuses(dir: string, targets: readonly DeployTarget[], connections: Connections): Promise<{ migrations: Migration[]; reports: StatusReport[] }> {
  const migrations = loadMigrations(dir);
  const reports: StatusReport[] = [];
  for (const t of targets) {
    if (!connections[t]) {
      reports.push({ target: t, rows: null, error: missingConnection(t).message });
      continue;
    }
    try {
      reports.push({ target: t, rows: await statusFor(t, migrations, connections) });
    } catch (e) {
      if (!(e instanceof MigrationError)) throw e;
      reports.push({ target: t, rows: null, error: e.message });
    }
  }
  return { migrations, reports };
}
