/**
 * The migrations folder: `<NNNN>_<name>/{migration.sql, dynamodb.json, snapshot.json}`.
 * Loading is strict and happens before anything is applied, so one malformed
 * file stops the whole run with an error naming it.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { TargetName } from '../src/plan/capabilities.js';
import { MigrationError, MigrationFileError } from './errors.js';
import { parseSnapshot, type Snapshot } from './snapshot.js';
import { parseSqlFile, type SqlStatement } from './postgres/sql-file.js';
import { parseSteps, type DynamoMigrationFile } from './dynamodb/steps.js';

export const FILES = { postgres: 'migration.sql', dynamodb: 'dynamodb.json', snapshot: 'snapshot.json' } as const;
const FOLDER_RE = /^(\d{4,})_([A-Za-z0-9_-]+)$/;

export interface LoadedFile {
  readonly path: string;
  readonly text: string;
  readonly checksum: string;
}

export interface Migration {
  /** The folder name, e.g. `0003_post_by_status`: the ledger's key. */
  readonly id: string;
  readonly number: number;
  readonly name: string;
  readonly dir: string;
  readonly snapshot: Snapshot;
  readonly snapshotFile: LoadedFile;
  readonly postgres?: LoadedFile & { readonly statements: readonly SqlStatement[] };
  readonly dynamodb?: LoadedFile & { readonly parsed: DynamoMigrationFile };
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
    const snapPath = join(path, FILES.snapshot);
    if (!existsSync(snapPath)) throw new MigrationFileError(shown(snapPath), 'is missing: every migration folder holds the snapshot it was generated with');
    const snapText = readText(snapPath, shown(snapPath));
    const snapshot = parseSnapshot(snapText, shown(snapPath));
    if (snapshot.migration !== entry) throw new MigrationFileError(shown(snapPath), `belongs to migration "${snapshot.migration}", not "${entry}" (was the folder renamed or copied?)`);
    const migration: { -readonly [K in keyof Migration]: Migration[K] } = {
      id: entry, number: Number(m[1]), name: m[2], dir: path, snapshot,
      snapshotFile: { path: snapPath, text: snapText, checksum: checksum(snapText) },
    };
    const sqlPath = join(path, FILES.postgres);
    if (existsSync(sqlPath)) {
      const text = readText(sqlPath, shown(sqlPath));
      migration.postgres = { path: sqlPath, text, checksum: checksum(text), statements: parseSqlFile(text, shown(sqlPath)) };
    } else if (snapshot.targets.includes('postgres')) {
      throw new MigrationFileError(shown(sqlPath), 'is missing although the snapshot lists the postgres target');
    }
    const dynPath = join(path, FILES.dynamodb);
    if (existsSync(dynPath)) {
      const text = readText(dynPath, shown(dynPath));
      const parsed = parseSteps(text, shown(dynPath));
      checkStepsAgainstSnapshot(parsed, snapshot, shown(dynPath));
      migration.dynamodb = { path: dynPath, text, checksum: checksum(text), parsed };
    } else if (snapshot.targets.includes('dynamodb')) {
      throw new MigrationFileError(shown(dynPath), 'is missing although the snapshot lists the dynamodb target');
    }
    out.push(migration);
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
export function baseFor(migrations: readonly Migration[], target: TargetName): Migration | undefined {
  for (let i = migrations.length - 1; i >= 0; i--) if (migrations[i].snapshot.targets.includes(target)) return migrations[i];
  return undefined;
}

export function fileChecksums(m: Migration): Record<string, string> {
  return {
    [FILES.snapshot]: m.snapshotFile.checksum,
    ...(m.postgres ? { [FILES.postgres]: m.postgres.checksum } : {}),
    ...(m.dynamodb ? { [FILES.dynamodb]: m.dynamodb.checksum } : {}),
  };
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

/** Backfills encode entries with the model as this migration's snapshot defines it: it must be there. */
function checkStepsAgainstSnapshot(file: DynamoMigrationFile, snapshot: Snapshot, shown: string): void {
  if (file.migration !== snapshot.migration) throw new MigrationFileError(shown, `belongs to migration "${file.migration}", not "${snapshot.migration}"`);
  file.steps.forEach((s, i) => {
    if (s.op !== 'BackfillUnique') return;
    const model = Object.values(snapshot.schema.models).find((m) => m.name === s.model);
    if (!model) throw new MigrationFileError(shown, `steps[${i}] backfills model ${s.model}, which the migration's snapshot.json does not have`);
    if (!model.uniques.some((u) => u.name === s.constraint)) throw new MigrationFileError(shown, `steps[${i}] backfills ${s.model}.${s.constraint}, which is not a unique constraint in snapshot.json`);
  });
}
