/**
 * The engine's commands without a command line: apply, status and check over
 * every configured target. The CLI (cli/commands/migrate.ts) is a thin layer
 * over these; tests call them directly too.
 */
import type { SchemaDef } from '../src/schema/define.js';
import { connectionOf, missingConnection, planTarget, type Connections, type DeployTarget } from './connections.js';
import { DestructiveChangeError, MigrationError, MigrationFileError } from './errors.js';
import { assertNoDuplicates, duplicateNumbers, fileChecksums, loadMigrations, type Migration } from './folder.js';
import type { StatusRow } from './plan.js';
import type { Progress } from './progress.js';
import { normalizeSchema, sameSchema } from './snapshot.js';
import { entryOf, formatOf } from '../targets/index.js';
import type { ApplyResult } from '../targets/types.js';

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
  const plan = planTarget(target);
  return migrations.filter((m) => m[plan]);
}

export async function statusFor<K extends DeployTarget>(target: K, migrations: readonly Migration[], connections: Connections): Promise<StatusRow[]> {
  const connection = connectionOf(target, connections);
  return (await entryOf(target).migrator()).status(connection, migrations);
}

async function applyTo<K extends DeployTarget>(target: K, opts: ApplyOptions, migrations: readonly Migration[]): Promise<ApplyResult> {
  const connection = connectionOf(target, opts.connections);
  return (await entryOf(target).migrator()).apply({
    connection,
    migrations,
    allowDestructive: !!opts.allowDestructive,
    dryRun: !!opts.dryRun,
    progress: opts.progress,
    ...(opts.lockTimeoutMs !== undefined ? { lockTimeoutMs: opts.lockTimeoutMs } : {}),
  });
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
        const file = formatOf(planTarget(t)).file;
        throw new MigrationError(
          `applied migration${modified.length > 1 ? 's' : ''} ${modified.map((s) => s.id).join(', ')} changed since applied to ${t} (${file} checksum mismatch)`,
          'restore the applied file from version control and put new changes in a new migration (`quern migrate generate`); nothing was applied',
        );
      }
      for (const s of status) {
        if (s.state !== 'pending' && s.state !== 'partial') continue;
        const m = s.migration!;
        const plan = planTarget(t);
        destructive.push(...formatOf(plan).pendingDestructive(m, m[plan]!, s.row?.done ?? 0));
      }
    }
    if (destructive.length && !opts.allowDestructive) throw new DestructiveChangeError(destructive, 'apply');
  }

  const out: Partial<Record<DeployTarget, ApplyResult>> = {};
  for (const t of opts.targets) out[t] = await applyTo(t, opts, forTarget(migrations, t));
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
        const file = s.migration![planTarget(t)]!.path;
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
