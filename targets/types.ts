/**
 * What a target registers, once, in targets/index.ts. The CLI and the migration engine
 * iterate over these entries instead of choosing targets by name; nothing outside a
 * target's own files (drivers/<x>/, migrations/<x>/, targets/<x>.ts) names it.
 *
 * Two names per target: the *deploy* name (config `targets`, `--target`, the key of
 * `Connections`) and the *plan* name (`Capabilities.target`: planning, lint and the
 * migration file). `pglite` deploys on its own but plans, and migrates, as `postgres`.
 */
import type { Driver } from '../src/engine/driver.js';
import type { TargetDescriptor } from '../src/plan/target.js';
import type { ConfigTarget, TargetConfigSections } from '../src/config.js';
import type { SchemaDef } from '../src/schema/define.js';
import type { SchemaDiff } from '../migrations/diff/diff.js';
import type { Migration, ParsedFiles, TargetFile } from '../migrations/folder.js';
import type { StatusRow } from '../migrations/plan.js';
import type { Progress } from '../migrations/progress.js';
import type { Snapshot } from '../migrations/snapshot.js';

export type DeployTarget = ConfigTarget;

/**
 * The planning names of the targets quern ships: the closed list, where one is truly needed (a
 * migration folder holds one file per planning target). src/ knows names only as open strings
 * (TargetName); each target adds its line to ParsedFiles (migrations/folder.ts).
 */
export type PlanTarget = keyof ParsedFiles;

/**
 * One key of the target's config section, and the CLI flag that overrides it. The config
 * loader checks the section against these (unknown key, wrong type: a `ConfigError` naming
 * `section.key`), and every connection-taking command declares the flags.
 */
export interface ConnectionOption {
  /** The key in the config section, e.g. `url` in `postgres: { url }`. */
  readonly key: string;
  readonly type: 'string';
  /** One line for docs/config.md and errors. */
  readonly doc: string;
  /** commander syntax, e.g. `--url <url>`; absent when only the config sets it. */
  readonly flag?: string;
  /** The flag's help line. */
  readonly flagHelp?: string;
}

/** What a connection resolver reads: the flags (commander's camelCase keys), the config section, the environment. */
export interface ConnectionInput<S> {
  readonly flags: ConnectionFlags;
  readonly section: S | undefined;
  readonly env: NodeJS.ProcessEnv;
  /** The config's folder: relative paths are resolved from it. */
  readonly root: string;
  /** --connect-timeout, else the client's default, in ms. */
  readonly connectTimeoutMs: number;
}

/** Parsed connection flags, keyed as commander keys them (`--table-prefix` → `tablePrefix`). */
export interface ConnectionFlags {
  /** --connect-timeout, in seconds; shared by every target. */
  readonly connectTimeout?: number;
  readonly [flag: string]: unknown;
}

/** The result of rendering one migration file for a diff. */
export interface RenderedFile {
  readonly text: string;
  /** Each destructive step, as "<plan target>: why". */
  readonly destructive: readonly string[];
  /** Lines `migrate generate` prints for this file (the first one is the headline). */
  readonly summary: readonly string[];
}

/**
 * A planning target's migration file: `migration.sql` for postgres, `dynamodb.json` for
 * dynamodb. Deploy targets planning the same share one format (postgres and pglite).
 */
export interface MigrationFormat<T extends PlanTarget = PlanTarget> {
  readonly plan: T;
  /** The file name inside a migration folder. */
  readonly file: string;
  /** Parse and check a file; throws MigrationFileError naming `shown` and what is wrong. */
  parse(text: string, shown: string, snapshot: Snapshot): ParsedFiles[T];
  /** The file for a diff; throws UnsupportedChangeError for what the target cannot do. */
  render(id: string, diff: SchemaDiff): RenderedFile;
  /** Destructive steps not yet run (from unit or step `from`), each "<id> (<where>): why". */
  pendingDestructive(m: Migration, file: TargetFile<T>, from: number): string[];
}

export interface ApplyOptions<C> {
  readonly connection: C;
  /** Only the migrations that have this target's file. */
  readonly migrations: readonly Migration[];
  readonly allowDestructive: boolean;
  readonly dryRun: boolean;
  readonly progress: Progress;
  readonly lockTimeoutMs?: number;
}

export interface ApplyResult {
  readonly applied: readonly string[];
  readonly skipped: readonly string[];
}

export interface BaselineResult {
  readonly recorded: readonly string[];
  readonly already: readonly string[];
}

/**
 * Applies migrations with a ledger (which migration, how many units done, the file's
 * checksum) under a lock, so two applies never interleave and a crash resumes where it
 * stopped. Loaded lazily: it brings the database client.
 */
export interface Migrator<C> {
  status(connection: C, migrations: readonly Migration[]): Promise<StatusRow[]>;
  apply(opts: ApplyOptions<C>): Promise<ApplyResult>;
  /** Of `tables`, those that exist (`migrate status` explains a database made by `db push`). */
  existingTables(connection: C, tables: readonly string[]): Promise<string[]>;
  /** Record `migrations` as applied without running them (`migrate baseline`). */
  baseline(connection: C, migrations: readonly Migration[]): Promise<BaselineResult>;
  /** Drop `tables`, the ledger and the target's own bookkeeping tables (`migrate reset`); returns what was dropped. */
  reset(connection: C, tables: readonly string[]): Promise<string[]>;
}

/** One target. `K` is its deploy name, `C` its resolved connection. */
export interface TargetEntry<K extends DeployTarget, C> {
  readonly name: K;
  readonly plan: PlanTarget;
  /** As people name it: PostgreSQL, PGlite, DynamoDB. */
  readonly label: string;
  /** The keys of its config section (`postgres: { url }`), each with its CLI flag. */
  readonly options: readonly ConnectionOption[];
  /** Its connection from flags, config and environment; undefined when nothing says where (then `missing`). */
  connection(input: ConnectionInput<TargetConfigSections[K]>): C | undefined;
  /** The error when a command needs the connection and there is none: what is missing and how to give it. */
  readonly missing: { readonly message: string; readonly fix: string };
  /** The connection as printed ("connecting to …"): passwords masked. */
  describe(connection: C): string;
  /** The config section `quern init` writes for it (one line, without the trailing comma). */
  readonly initConfig: string;
  /** An embedded database's files, kept in the project folder: `quern init` adds `ignore` to .gitignore and prints `where`. */
  readonly localData?: { readonly ignore: string; readonly where: string };
  /** Static, connection-free planning data (capabilities, explain); loaded lazily. */
  descriptor(): Promise<TargetDescriptor>;
  /** A driver on this connection (the studio's data, `db push`). */
  driver(connection: C): Promise<Driver>;
  /**
   * An embedded target's driver on a throwaway in-memory database (no server, no files): what
   * `npm run demo -- --target <name>` runs on when no connection flag is given, so it can run again.
   */
  scratch?(): Promise<Driver>;
  /** `db push`: create what the models need; returns what was created. */
  push(connection: C, schema: SchemaDef): Promise<string[]>;
  readonly format: MigrationFormat;
  migrator(): Promise<Migrator<C>>;
}
