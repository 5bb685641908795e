/**
 * Target-independent bookkeeping: which migrations are applied, pending,
 * modified or half-done, given the ledger rows a target returned.
 */
import { MigrationError } from './errors.js';
import type { Migration } from './folder.js';

export interface LedgerRow {
  readonly id: string;
  readonly checksum: string;
  /** Units (PostgreSQL) or steps (DynamoDB) completed. */
  readonly done: number;
  readonly total: number;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
}

export type MigrationState =
  | 'applied'
  /** Applied, but the file changed since (checksum mismatch). */
  | 'modified'
  /** Started and not finished: an interrupted or failed apply. Re-running resumes it. */
  | 'partial'
  | 'pending'
  /** In the ledger, not in the folder. */
  | 'missing'
  /** The migration has no file for this target. */
  | 'not-applicable';

export interface StatusRow {
  readonly id: string;
  readonly state: MigrationState;
  readonly row?: LedgerRow;
  readonly migration?: Migration;
}

export function migrationStatus(migrations: readonly Migration[], rows: readonly LedgerRow[], checksumOf: (m: Migration) => string | undefined): StatusRow[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const out: StatusRow[] = [];
  for (const m of migrations) {
    const sum = checksumOf(m);
    const row = byId.get(m.id);
    if (sum === undefined) {
      out.push({ id: m.id, state: 'not-applicable', migration: m, ...(row ? { row } : {}) });
      continue;
    }
    if (!row) out.push({ id: m.id, state: 'pending', migration: m });
    else if (row.checksum !== sum) out.push({ id: m.id, state: 'modified', row, migration: m });
    else if (!row.finishedAt) out.push({ id: m.id, state: 'partial', row, migration: m });
    else out.push({ id: m.id, state: 'applied', row, migration: m });
  }
  const local = new Set(migrations.map((m) => m.id));
  for (const r of rows) if (!local.has(r.id)) out.push({ id: r.id, state: 'missing', row: r });
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

export function describeState(s: StatusRow): string {
  switch (s.state) {
    case 'applied':
      return `applied${s.row?.finishedAt ? ` ${s.row.finishedAt.toISOString().replace('T', ' ').slice(0, 19)} UTC` : ''}`;
    case 'modified':
      return 'MODIFIED: applied, but its file changed since (checksum mismatch)';
    case 'partial':
      return `partially applied (${s.row!.done}/${s.row!.total}); \`quern migrate apply\` resumes it`;
    case 'pending':
      return 'pending';
    case 'missing':
      return 'applied, but not in the migrations folder';
    case 'not-applicable':
      return '— (no file for this target)';
  }
}

/** Test hook: SIGKILL this process at a named point, to prove an interrupted apply resumes. */
export function crashPoint(point: string): void {
  const at = process.env.QUERN_TEST_KILL_AT;
  if (at && at === point) process.kill(process.pid, 'SIGKILL');
}

/** Apply refuses to run over an applied migration whose file changed since (`label`: the database, `fileOf`: the file's path). */
export function refuseModified(status: readonly StatusRow[], label: string, fileOf: (m: Migration) => string): void {
  const modified = status.filter((s) => s.state === 'modified');
  if (modified.length === 0) return;
  throw new MigrationError(
    `applied migration${modified.length > 1 ? 's' : ''} ${modified.map((s) => s.id).join(', ')} changed since ${modified.length > 1 ? 'they were' : 'it was'} applied to ${label} (checksum mismatch): ${modified.map((s) => fileOf(s.migration!)).join(', ')}`,
    'restore the applied file from version control and put new changes in a new migration (`quern migrate generate`)',
  );
}
