/**
 * `quern migrate generate | apply | status | check`: a thin command line over
 * the engine in migrations/. Prompts only on a terminal; under CI or without a
 * TTY every question becomes an error naming the flag that answers it.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { Command, InvalidArgumentError } from 'commander';
import type { PlanTarget } from '../../targets/types.js';
import { QuernError } from '../../src/errors.js';
import { loadProject, type Project } from '../config.js';
import { ProjectError } from '../errors.js';
import { loadLint } from '../lint/load.js';
import { MigrationError } from '../../migrations/errors.js';
import { parseDeployTargets, TARGET_LIST } from '../lint/targets.js';
import { generateMigration } from '../../migrations/generate.js';
import { applyMigrations, checkMigrations, migrationStatuses } from '../../migrations/run.js';
import { nonInteractiveResolver, parseRename, type RenameResolver } from '../../migrations/diff/renames.js';
import { describeConnection, planTarget, resolveConnections, type ConnectionFlags, type Connections, type DeployTarget } from '../../migrations/connections.js';
import { baselineMigrations, resetRefusal, resetTarget, snapshotSchemas, untrackedTables } from '../../migrations/dev.js';
import { defaultProgress, isCI } from '../../migrations/progress.js';
import { describeState } from '../../migrations/plan.js';
import { SNAPSHOT_FILE } from '../../migrations/folder.js';
import { DEPLOY_TARGETS, TARGETS } from '../../targets/index.js';

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number of seconds ≥ 0');
  return n;
}

/** A person can answer: stdin and stderr are terminals and this is not CI. */
export function canPrompt(): boolean {
  return !!process.stdin.isTTY && !!process.stderr.isTTY && !isCI();
}

export function migrationsDir(project: Project): string {
  const dir = project.config.migrations ?? './migrations';
  return isAbsolute(dir) ? dir : resolve(project.root, dir);
}

/** The planning targets of the config: migration files are written per planning target (pglite takes postgres's). */
function configuredTargets(project: Project): PlanTarget[] {
  return [...new Set((project.config.targets ?? ['postgres']).map(planTarget))];
}

/** Where the commands connect: flags, then the config, then the environment; relative paths from the config's folder. */
export function projectConnections(project: Project, flags: ConnectionFlags): Connections {
  return resolveConnections(project.config, flags, project.root);
}

/** Run an action; quern's refusals print their message and fix and exit 1, project problems exit 2. */
async function guarded(work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (e) {
    if (e instanceof ProjectError) throw e;
    if (e instanceof QuernError) {
      process.stderr.write(`quern: ${e.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw e;
  }
}

async function ask(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}

function interactiveResolver(): RenameResolver {
  /** `gone` and `candidates` as shown (Post.title, Post.headline); returns the index of the chosen candidate or null. */
  const choose = async (gone: string, candidates: readonly string[], consequence: string): Promise<number | null> => {
    process.stderr.write(`\n${gone} is gone and ${candidates.length === 1 ? `${candidates[0]} is new` : `these are new: ${candidates.join(', ')}`}.\n`);
    for (;;) {
      const options = candidates.map((c, i) => `  ${i + 1}) rename ${gone} → ${c} (data kept)`).join('\n');
      const answer = (await ask(`Rename or drop?\n${options}\n  d) drop ${gone} (${consequence})\n> `)).toLowerCase();
      if (answer === 'd' || answer === 'drop') return null;
      if ((answer === 'r' || answer === 'rename') && candidates.length === 1) return 0;
      const n = Number(answer);
      if (Number.isInteger(n) && n >= 1 && n <= candidates.length) return n - 1;
      process.stderr.write('Answer with the number of the rename, or d to drop.\n');
    }
  };
  return {
    async model(gone, candidates) {
      const i = await choose(
        `model ${gone}`,
        candidates.map((c) => `model ${c}`),
        'its table and data are lost',
      );
      return i === null ? null : candidates[i];
    },
    async field(model, gone, candidates) {
      const i = await choose(
        `${model}.${gone}`,
        candidates.map((c) => `${model}.${c}`),
        'its data is lost',
      );
      return i === null ? null : candidates[i];
    },
  };
}

async function confirmDestructive(reasons: readonly string[]): Promise<boolean> {
  process.stderr.write(`\nThis migration is destructive:\n${reasons.map((r) => `  - ${r}`).join('\n')}\n`);
  const answer = (await ask('Write it anyway? (it will still need --allow-destructive at apply) [y/N] ')).toLowerCase();
  return answer === 'y' || answer === 'yes';
}

interface GenerateFlags {
  name?: string;
  rename?: string[];
  allowDestructive?: boolean;
  report: boolean;
  dryRun?: boolean;
}
interface ApplyFlags extends ConnectionFlags {
  target?: string[];
  dryRun?: boolean;
  allowDestructive?: boolean;
  lockTimeout?: number;
}
interface StatusFlags extends ConnectionFlags {
  target?: string[];
}
interface CheckFlags extends StatusFlags {
  offline?: boolean;
}
interface DevFlags extends ConnectionFlags {
  name?: string;
  rename?: string[];
  allowDestructive?: boolean;
  target?: string[];
}
interface ResetFlags extends ConnectionFlags {
  force?: boolean;
  target?: string[];
}

/** Every target's connection flags (from its registry entry), and the shared --connect-timeout. */
function connectionOptions(cmd: Command): Command {
  for (const t of DEPLOY_TARGETS) for (const o of TARGETS[t].options) if (o.flag) cmd.option(o.flag, o.flagHelp ?? o.doc);
  return cmd.option('--connect-timeout <seconds>', 'how long to wait for the database to accept the connection and answer (default 10; 0: no bound)', seconds);
}

/** Before connecting, say where: a silent command that waits looks like a hang. */
function announce(targets: readonly DeployTarget[], connections: Connections): void {
  for (const t of targets) if (connections[t]) process.stderr.write(`connecting to ${describeConnection(t, connections)}…\n`);
}

const rel = (p: string) => relative(process.cwd(), p) || p;

export function registerMigrate(program: Command): void {
  const migrate = program.command('migrate').description(`generate, apply and check schema migrations for ${TARGET_LIST}`);

  migrate
    .command('generate')
    .description('diff the models against the last snapshot and write migrations/<NNNN>_<name>/ for every configured target; prints the capability report')
    .option('-n, --name <name>', 'migration name (the folder is <NNNN>_<name>)')
    .option('--rename <spec>', 'a rename, not a drop + add: Model.oldField=newField or OldModel=NewModel (repeatable)', collect)
    .option('--allow-destructive', 'allow drops, narrowing type changes and required fields without defaults')
    .option('--dry-run', 'print what would be written, write nothing')
    .option('--no-report', "skip the capability report of the codebase's queries")
    .addHelpText(
      'after',
      `
Without a terminal (or with CI=true) nothing is asked: an ambiguous change (a field gone and another
new) fails and names the flag, e.g. --rename Post.title=headline, or --allow-destructive to drop.

Examples:
  quern migrate generate --name post_by_status
  quern migrate generate --name rename_title --rename Post.title=headline`,
    )
    .action(async (flags: GenerateFlags, cmd: Command) =>
      guarded(async () => {
        const { config } = cmd.optsWithGlobals<{ config?: string }>();
        const project = await loadProject({ config });
        const targets = configuredTargets(project);
        await writeMigration(project, flags);
        if (flags.report) await capabilityReport(project, targets);
      }),
    );

  connectionOptions(
    migrate
      .command('apply')
      .description('apply pending migrations, in order, under a lock, recording each in the ledger')
      .option('-t, --target <targets>', `${TARGET_LIST} (comma-separated or repeated; default: the config's targets)`, collect)
      .option('--dry-run', 'print what would run; change nothing')
      .option('--allow-destructive', 'run migrations that drop tables, columns or GSIs, or narrow types')
      .option('--lock-timeout <seconds>', 'how long to wait for another apply to finish', seconds, 600),
  ).action(async (flags: ApplyFlags, cmd: Command) =>
    guarded(async () => {
      const { config } = cmd.optsWithGlobals<{ config?: string }>();
      const project = await loadProject({ config });
      const targets = parseDeployTargets(flags.target, project.config.targets);
      const connections = projectConnections(project, flags);
      announce(targets, connections);
      const progress = flags.dryRun
        ? {
            info: (l: string) => process.stdout.write(l + '\n'),
            warn: (l: string) => process.stderr.write(`warning: ${l}\n`),
            task: () => ({ update() {}, finish() {} }),
          }
        : defaultProgress();
      const result = await applyMigrations({
        dir: migrationsDir(project),
        targets,
        connections,
        progress,
        allowDestructive: !!flags.allowDestructive,
        dryRun: !!flags.dryRun,
        lockTimeoutMs: (flags.lockTimeout ?? 600) * 1000,
      });
      for (const t of targets) {
        const r = result[t];
        if (!r) continue;
        const where = describeConnection(t, connections);
        process.stdout.write(
          `${t} ${where}: ${flags.dryRun ? 'would apply' : 'applied'} ${r.applied.length ? r.applied.join(', ') : 'nothing'}${r.skipped.length ? `; ${r.skipped.length} already applied` : ''}\n`,
        );
      }
    }),
  );

  connectionOptions(
    migrate
      .command('status')
      .description('list applied, pending, modified (checksum mismatch) and interrupted migrations per target')
      .option('-t, --target <targets>', `${TARGET_LIST} (default: the config's targets)`, collect),
  ).action(async (flags: StatusFlags, cmd: Command) =>
    guarded(async () => {
      const { config } = cmd.optsWithGlobals<{ config?: string }>();
      const project = await loadProject({ config });
      const targets = parseDeployTargets(flags.target, project.config.targets);
      const connections = projectConnections(project, flags);
      announce(targets, connections);
      const { migrations, reports } = await migrationStatuses(migrationsDir(project), targets, connections);
      const width = Math.max(10, ...migrations.map((m) => m.id.length));
      let trouble = false;
      for (const r of reports) {
        if (!r.rows) {
          trouble = true;
          process.stdout.write(`${r.target}: not checked\n  ${r.error!.replace(/\n/g, '\n  ')}\n`);
          continue;
        }
        process.stdout.write(`${r.target}\n`);
        if (r.rows.length === 0) process.stdout.write('  (no migrations)\n');
        for (const s of r.rows) {
          if (s.state === 'modified' || s.state === 'partial') trouble = true;
          process.stdout.write(`  ${s.id.padEnd(width)}  ${describeState(s)}\n`);
        }
        const applied = r.rows.filter((s) => s.state === 'applied' || s.state === 'modified' || s.state === 'partial').length;
        const pending = r.rows.filter((s) => s.state === 'pending').length;
        if (pending) {
          const untracked = await untrackedTables(r.target, project.schema.def, connections, applied);
          if (untracked.length) {
            trouble = true;
            process.stdout.write(
              `  note: the tables ${untracked.join(', ')} exist, but no migration is recorded as applied: this database was\n` +
                '  likely created by `quern db push`. `quern migrate apply` would fail with "already exists". If the\n' +
                '  database matches the models, run `quern migrate baseline` to record the migrations as applied.\n',
            );
          } else process.stdout.write(`  ${pending} pending: \`quern migrate apply\` runs ${pending === 1 ? 'it' : 'them'}\n`);
        }
      }
      if (trouble) process.exitCode = 1;
    }),
  );

  connectionOptions(
    migrate
      .command('dev')
      .description(
        "development: generate a migration for the model changes, then apply every pending migration to the development database (default target: the config's)",
      )
      .option('-n, --name <name>', 'migration name (default: dev)')
      .option('--rename <spec>', 'a rename, not a drop + add: Model.oldField=newField or OldModel=NewModel (repeatable)', collect)
      .option('--allow-destructive', 'allow drops and narrowing changes, in the migration and when applying it')
      .option('-t, --target <targets>', `${TARGET_LIST} (default: the config's targets)`, collect),
  )
    .addHelpText(
      'after',
      `
Example: a project with targets: ['pglite'] keeps its development database in ./.quern/pglite:
  quern migrate dev --name add_posts`,
    )
    .action(async (flags: DevFlags, cmd: Command) =>
      guarded(async () => {
        const { config } = cmd.optsWithGlobals<{ config?: string }>();
        const project = await loadProject({ config });
        const targets = parseDeployTargets(flags.target, project.config.targets);
        const connections = projectConnections(project, flags);
        announce(targets, connections);
        await writeMigration(project, {
          name: flags.name ?? 'dev',
          ...(flags.rename ? { rename: flags.rename } : {}),
          ...(flags.allowDestructive ? { allowDestructive: true } : {}),
        });
        await applyAndReport(project, targets, connections, !!flags.allowDestructive);
      }),
    );

  connectionOptions(
    migrate
      .command('baseline')
      .description('for a database created by `quern db push`: record every migration as applied without running it (the models must match the last migration)')
      .option('-t, --target <targets>', `${TARGET_LIST} (default: the config's targets)`, collect),
  )
    .addHelpText(
      'after',
      `
The push → migrate path: after prototyping with \`quern db push\`, run
  quern migrate generate --name init    # describes the schema push created
  quern migrate baseline                # this database already has it: record, do not run
  quern migrate apply                   # from now on, only new migrations run`,
    )
    .action(async (flags: StatusFlags, cmd: Command) =>
      guarded(async () => {
        const { config } = cmd.optsWithGlobals<{ config?: string }>();
        const project = await loadProject({ config });
        const targets = parseDeployTargets(flags.target, project.config.targets);
        const connections = projectConnections(project, flags);
        announce(targets, connections);
        const result = await baselineMigrations({ dir: migrationsDir(project), schema: project.schema.def, targets, connections });
        for (const t of targets) {
          const r = result[t];
          if (!r) continue;
          process.stdout.write(
            `${t} ${describeConnection(t, connections)}: recorded as applied ${r.recorded.length ? r.recorded.join(', ') : 'nothing'}${r.already.length ? `; ${r.already.length} already recorded` : ''}\n`,
          );
        }
      }),
    );

  connectionOptions(
    migrate
      .command('reset')
      .description("development only: drop the models' tables and the ledger, then apply every migration again (refused under NODE_ENV=production)")
      .option('--force', 'do not ask for confirmation (required without a terminal)')
      .option('-t, --target <targets>', `${TARGET_LIST} (default: the config's targets)`, collect),
  ).action(async (flags: ResetFlags, cmd: Command) =>
    guarded(async () => {
      const refusal = resetRefusal();
      if (refusal)
        throw new MigrationError(
          `migrate reset deletes data and is for development databases only; refused because ${refusal}`,
          'unset NODE_ENV=production to reset a development database; never reset a production one',
        );
      const { config } = cmd.optsWithGlobals<{ config?: string }>();
      const project = await loadProject({ config });
      const targets = parseDeployTargets(flags.target, project.config.targets);
      const connections = projectConnections(project, flags);
      const where = targets.map((t) => `${t} ${describeConnection(t, connections)}`).join(', ');
      if (!flags.force) {
        if (!canPrompt())
          throw new MigrationError(
            `migrate reset would delete every table of the models and their data on ${where}`,
            'pass --force to confirm without a terminal',
          );
        const answer = (await ask(`This deletes every table of the models, and their data, on ${where}. Type "reset" to go on: `)).toLowerCase();
        if (answer !== 'reset') {
          process.stderr.write('quern: nothing was changed\n');
          process.exitCode = 1;
          return;
        }
      }
      announce(targets, connections);
      const dir = migrationsDir(project);
      const schemas = [project.schema.def, ...snapshotSchemas(dir)];
      for (const t of targets) {
        const dropped = await resetTarget(t, schemas, connections);
        process.stdout.write(`${t} ${describeConnection(t, connections)}: dropped ${dropped.length ? dropped.join(', ') : 'nothing'}\n`);
      }
      await applyAndReport(project, targets, connections, true);
    }),
  );

  connectionOptions(
    migrate
      .command('check')
      .description('for CI: fail when the models changed without a migration, an applied migration was edited, or two migrations share a number')
      .option('-t, --target <targets>', `${TARGET_LIST} (default: the config's targets)`, collect)
      .option('--offline', 'do not connect; check the folder and the models only'),
  )
    .addHelpText(
      'after',
      `
Exit codes: 0 clean, 1 problems found (each with what to do), 2 could not run.
With a connection (flags or quern.config.ts) the ledger is compared too: an applied migration
whose file changed since is reported.`,
    )
    .action(async (flags: CheckFlags, cmd: Command) =>
      guarded(async () => {
        const { config } = cmd.optsWithGlobals<{ config?: string }>();
        const project = await loadProject({ config });
        const targets = parseDeployTargets(flags.target, project.config.targets);
        const connections = flags.offline ? undefined : projectConnections(project, flags);
        if (connections) announce(targets, connections);
        const result = await checkMigrations({
          dir: migrationsDir(project),
          schema: project.schema.def,
          targets,
          ...(connections ? { connections } : {}),
        });
        for (const p of result.problems) process.stdout.write(`✖ ${p.code}: ${p.message}\n    fix: ${p.fix}\n`);
        for (const n of result.notes) process.stdout.write(`  ${n}\n`);
        if (result.problems.length) {
          process.stdout.write(`${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}\n`);
          process.exitCode = 1;
        } else process.stdout.write('✔ migrations are in order\n');
      }),
    );
}

/** `migrate generate` without the report: writes the migration and prints what it holds. */
async function writeMigration(project: Project, flags: Omit<GenerateFlags, 'report'>): Promise<{ id: string | null }> {
  const dir = migrationsDir(project);
  const targets = configuredTargets(project);
  const renames = (flags.rename ?? []).map(parseRename);
  const prompt = canPrompt();
  const result = await generateMigration({
    schema: project.schema.def,
    targets,
    dir,
    ...(flags.name ? { name: flags.name } : {}),
    renames,
    allowDestructive: !!flags.allowDestructive,
    resolver: prompt ? interactiveResolver() : nonInteractiveResolver(!!flags.allowDestructive),
    ...(prompt ? { confirmDestructive } : {}),
    dryRun: !!flags.dryRun,
  });
  const out = process.stdout;
  if (!result.id) {
    out.write(`No changes: the models match the last migration's snapshot (${rel(dir)}).\n`);
  } else {
    out.write(`${flags.dryRun ? 'Would write' : 'Wrote'} ${rel(resolve(dir, result.id))}/ (${Object.keys(result.files).join(', ')})\n`);
    if (result.renames.length) out.write(`  renames: ${result.renames.join(', ')}\n`);
    for (const r of Object.values(result.rendered)) {
      const [headline, ...details] = r.summary;
      out.write(`  ${headline}\n`);
      for (const d of details) out.write(`    ${d}\n`);
    }
    if (result.destructive.length) out.write(`  DESTRUCTIVE (apply needs --allow-destructive):\n${result.destructive.map((d) => `    - ${d}\n`).join('')}`);
    if (flags.dryRun) for (const [name, text] of Object.entries(result.files)) if (name !== SNAPSHOT_FILE) out.write(`\n--- ${name}\n${text}`);
  }
  return { id: result.id };
}

/** Applies every pending migration and prints one line per target. */
async function applyAndReport(project: Project, targets: readonly DeployTarget[], connections: Connections, allowDestructive: boolean): Promise<void> {
  const result = await applyMigrations({ dir: migrationsDir(project), targets, connections, progress: defaultProgress(), allowDestructive });
  for (const t of targets) {
    const r = result[t];
    if (r)
      process.stdout.write(
        `${t} ${describeConnection(t, connections)}: applied ${r.applied.length ? r.applied.join(', ') : 'nothing'}${r.skipped.length ? `; ${r.skipped.length} already applied` : ''}\n`,
      );
  }
}

/** The queries of the codebase, planned against the new schema: what still cannot run well, and the indexes that would fix it. */
async function capabilityReport(project: Project, targets: readonly PlanTarget[]): Promise<void> {
  const out = process.stdout;
  out.write("\nCapability report (quern lint over the codebase's queries, with these models):\n");
  try {
    // Loaded on demand: the TypeScript compiler is heavy, and only generate reports.
    const [{ runLint }, { coloursFor, formatText }] = await Promise.all([loadLint(), import('../lint/format/text.js')]);
    const result = await runLint(project, { targets });
    out.write(formatText(result, coloursFor(out)).replace(/^/gm, '  '));
  } catch (e) {
    out.write(`  unavailable: ${e instanceof Error ? e.message : String(e)}\n`);
  }
}

// db.ts shares the flag set and the error handling.
export { connectionOptions, guarded, collect, announce };
