/**
 * The migrations folder: `<NNNN>_<name>/snapshot.json` and one file per planning target
 * (each target's `format.file` in targets/: migration.sql, dynamodb.json).
 * Loading is strict and happens before anything is applied, so one malformed
 * file stops the whole run with an error naming it.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { PlanTarget } from '../targets/types.js';
import { MigrationError, MigrationFileError } from './errors.js';
import { parseSnapshot, type Snapshot } from './snapshot.js';
import type { SqlStatement } from './postgres/sql-file.js';
import type { DynamoMigrationFile } from './dynamodb/steps.js';
import { MIGRATION_FORMATS } from '../targets/index.js';

export const SNAPSHOT_FILE = 'snapshot.json';
const FOLDER_RE = /^(\d{4,})_([A-Za-z0-9_-]+)$/;

/** What each planning target's migration file parses to (its format's `parse`); a new target adds its line. */
export interface ParsedFiles {
  postgres: { readonly statements: readonly SqlStatement[] };
  dynamodb: { readonly parsed: DynamoMigrationFile };
  /** SQLite's migration.sqlite.sql: statements, as PostgreSQL's migration.sql. */
  sqlite: { readonly statements: readonly SqlStatement[] };
  /** MySQL's migration.mysql.sql: statements, split as PostgreSQL's. */
  mysql: { readonly statements: readonly SqlStatement[] };
}

export interface LoadedFile {
  readonly path: string;
  readonly text: string;
  readonly checksum: string;
}

export type TargetFile<T extends PlanTarget> = LoadedFile & ParsedFiles[T];

/** One migration folder: its snapshot and, keyed by planning target, the file of each target it has. */
export type Migration = MigrationFolder & { readonly [T in PlanTarget]?: TargetFile<T> };

interface MigrationFolder {
  /** The folder name, e.g. `0003_post_by_status`: the ledger's key. */
  readonly id: string;
  readonly number: number;
  readonly name: string;
  readonly dir: string;
  readonly snapshot: Snapshot;
  readonly snapshotFile: LoadedFile;
}

/** Line endings are normalised so a checkout with CRLF does not look like an edit. */
export function checksum(text: string): string {
  return createHash('sha256').update(text.replace(/\r\n/g, '\n')).digest('hex');
}

function readText(path: string, shown: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new MigrationFileError(shown, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/**
 * Every migration in `dir`, in order. Duplicate numbers are returned as they are
 * (`check` reports them, `apply` and `generate` refuse them via assertNoDuplicates).
 */
export function loadMigrations(dir: string, opts: { cwd?: string } = {}): Migration[] {
  if (!existsSync(dir)) return [];
  const shown = (p: string) => relative(opts.cwd ?? process.cwd(), p) || p;
  const out: Migration[] = [];
  for (const entry of readdirSync(dir).sort()) {
    if (entry.startsWith('.')) continue;
    const path = join(dir, entry);
    if (!statSync(path).isDirectory()) continue;
    const m = FOLDER_RE.exec(entry);
    if (!m) throw new MigrationFileError(shown(path), 'is not a migration folder: names are <number>_<name>, e.g. 0001_init (move other folders out of the migrations folder)');
    const snapPath = join(path, SNAPSHOT_FILE);
    if (!existsSync(snapPath)) throw new MigrationFileError(shown(snapPath), 'is missing: every migration folder holds the snapshot it was generated with');
    const snapText = readText(snapPath, shown(snapPath));
    const snapshot = parseSnapshot(snapText, shown(snapPath));
    if (snapshot.migration !== entry) throw new MigrationFileError(shown(snapPath), `belongs to migration "${snapshot.migration}", not "${entry}" (was the folder renamed or copied?)`);
    const migration: Record<string, unknown> & MigrationFolder = {
      id: entry, number: Number(m[1]), name: m[2], dir: path, snapshot,
      snapshotFile: { path: snapPath, text: snapText, checksum: checksum(snapText) },
    };
    for (const format of MIGRATION_FORMATS) {
      const filePath = join(path, format.file);
      if (existsSync(filePath)) {
        const text = readText(filePath, shown(filePath));
        migration[format.plan] = { path: filePath, text, checksum: checksum(text), ...format.parse(text, shown(filePath), snapshot) };
      } else if (snapshot.targets.includes(format.plan)) {
        throw new MigrationFileError(shown(filePath), `is missing although the snapshot lists the ${format.plan} target`);
      }
    }
    out.push(migration as Migration);
  }
  return out.sort((a, b) => a.number - b.number || a.id.localeCompare(b.id));
}

/** Migrations sharing a number: two branches each generated one. */
export function duplicateNumbers(migrations: readonly Migration[]): Migration[][] {
  const by = new Map<number, Migration[]>();
  for (const m of migrations) by.set(m.number, [...(by.get(m.number) ?? []), m]);
  return [...by.values()].filter((g) => g.length > 1);
}

export function assertNoDuplicates(migrations: readonly Migration[]): void {
  const dups = duplicateNumbers(migrations);
  if (dups.length === 0) return;
  const g = dups[0];
  throw new MigrationError(
    `migrations ${g.map((m) => m.id).join(' and ')} share the number ${String(g[0].number).padStart(4, '0')} (two branches each generated one)`,
    `delete the one not yet applied anywhere (${g[g.length - 1].id}), merge its model changes, and run \`quern migrate generate\` again`,
  );
}

/** The snapshot the next migration for `target` is diffed against: the last one that had the target's file. */
export function baseFor(migrations: readonly Migration[], target: PlanTarget): Migration | undefined {
  for (let i = migrations.length - 1; i >= 0; i--) if (migrations[i].snapshot.targets.includes(target)) return migrations[i];
  return undefined;
}

export function fileChecksums(m: Migration): Record<string, string> {
  const out: Record<string, string> = { [SNAPSHOT_FILE]: m.snapshotFile.checksum };
  for (const format of MIGRATION_FORMATS) {
    const file = m[format.plan];
    if (file) out[format.file] = file.checksum;
  }
  return out;
}

export function nextId(migrations: readonly Migration[], name: string): string {
  const n = migrations.reduce((max, m) => Math.max(max, m.number), 0) + 1;
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 60) || 'migration';
  return `${String(n).padStart(4, '0')}_${slug}`;
}

/** Write a migration folder all at once: a crash leaves either the whole folder or none of it. */
export function writeMigration(dir: string, id: string, files: Record<string, string>): string {
  mkdirSync(dir, { recursive: true });
  const final = join(dir, id);
  if (existsSync(final)) throw new MigrationError(`${final} already exists`, 'remove it or pick another --name');
  const tmp = join(dir, `.${id}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(tmp, name), text);
  renameSync(tmp, final);
  return final;
}
