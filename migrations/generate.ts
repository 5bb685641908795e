/**
 * `migrate generate`: diff the models against the last snapshot, render every
 * configured target, refuse destructive changes unless allowed, and write the
 * migration folder in one go.
 */
import type { SchemaDef } from '../src/schema/define.js';
import { diffSchemas, type SchemaDiff } from './diff/diff.js';
import type { RenameResolver, RenameSpec } from './diff/renames.js';
import { DestructiveChangeError } from './errors.js';
import { assertNoDuplicates, baseFor, fileChecksums, loadMigrations, nextId, SNAPSHOT_FILE, writeMigration, type Migration } from './folder.js';
import { EMPTY_SCHEMA, normalizeSchema, renderSnapshot, sameSchema } from './snapshot.js';
import { formatOf } from '../targets/index.js';
import type { PlanTarget, RenderedFile } from '../targets/types.js';

export interface GenerateOptions {
  /** The live schema (rename hints are read from it). */
  readonly schema: SchemaDef;
  readonly targets: readonly PlanTarget[];
  /** The migrations folder. */
  readonly dir: string;
  readonly name?: string;
  readonly renames?: readonly RenameSpec[];
  readonly allowDestructive?: boolean;
  readonly resolver: RenameResolver;
  /** Asked (on a terminal) when destructive changes were found without --allow-destructive. */
  readonly confirmDestructive?: (reasons: readonly string[]) => Promise<boolean>;
  /** Compute everything, write nothing. */
  readonly dryRun?: boolean;
}

export interface GenerateResult {
  /** The new folder name, or null when the models match the last snapshot. */
  readonly id: string | null;
  readonly path?: string;
  /** Each planning target's file, as rendered (its text, destructive steps and summary lines). */
  readonly rendered: Partial<Record<PlanTarget, RenderedFile>>;
  readonly destructive: readonly string[];
  readonly renames: readonly string[];
  readonly files: Readonly<Record<string, string>>;
}

export async function generateMigration(opts: GenerateOptions): Promise<GenerateResult> {
  const migrations = loadMigrations(opts.dir);
  assertNoDuplicates(migrations);
  const next = normalizeSchema(opts.schema);
  const last = migrations.at(-1);
  const targets = [...opts.targets];
  if (last && sameSchema(last.snapshot.schema, next) && targets.every((t) => last.snapshot.targets.includes(t))) {
    return { id: null, rendered: {}, destructive: [], renames: [], files: {} };
  }

  // One diff per distinct base: targets added later start from nothing.
  const diffs = new Map<string, SchemaDiff>();
  const diffFor = async (base: Migration | undefined) => {
    const k = base?.id ?? '';
    let d = diffs.get(k);
    if (!d) {
      d = await diffSchemas(base?.snapshot.schema ?? EMPTY_SCHEMA, next, { renames: opts.renames ?? [], resolver: opts.resolver, hints: opts.schema });
      diffs.set(k, d);
    }
    return d;
  };

  const id = nextId(migrations, opts.name ?? (migrations.length === 0 ? 'init' : 'migration'));
  const files: Record<string, string> = {};
  const destructive: string[] = [];
  let renames: readonly string[] = [];
  const rendered: Partial<Record<PlanTarget, RenderedFile>> = {};
  for (const target of targets) {
    const diff = await diffFor(baseFor(migrations, target));
    if (diff.renames.length > renames.length) renames = diff.renames;
    const format = formatOf(target);
    const r = format.render(id, diff);
    rendered[target] = r;
    files[format.file] = r.text;
    destructive.push(...r.destructive);
  }

  if (destructive.length && !opts.allowDestructive) {
    const ok = opts.confirmDestructive ? await opts.confirmDestructive(destructive) : false;
    if (!ok) throw new DestructiveChangeError(destructive, 'generate');
  }

  files[SNAPSHOT_FILE] = renderSnapshot({
    migration: id,
    targets,
    parent: last ? { id: last.id, checksums: fileChecksums(last) } : null,
    schema: next,
  });
  const path = opts.dryRun ? undefined : writeMigration(opts.dir, id, files);
  return { id, ...(path ? { path } : {}), rendered, destructive, renames, files };
}
