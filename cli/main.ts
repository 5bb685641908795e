/**
 * The `quern` command line: lint, explain, migrate, db, studio. `bin/quern.mjs` runs
 * the compiled copy of this file; `tsx cli/main.ts` runs it from source.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { registerDb } from './commands/db.js';
import { registerExplain } from './commands/explain.js';
import { registerInit } from './commands/init.js';
import { registerLint } from './commands/lint.js';
import { registerMigrate } from './commands/migrate.js';
import { registerStudio } from './commands/studio.js';
import { ProjectError } from './errors.js';
import { quernVersion } from './version.js';

export function buildProgram(): Command {
  const program = new Command('quern')
    .description('quern: plan every query against what PostgreSQL or DynamoDB can really do')
    .version(quernVersion(), '-v, --version')
    .option('-c, --config <path>', 'path of quern.config.ts (default: searched upward from the current folder)')
    .showHelpAfterError('(run with --help for usage)')
    // Usage errors must exit 2 ("could not run"), not commander's default 1 ("found problems").
    .exitOverride();
  registerInit(program);
  registerLint(program);
  registerExplain(program);
  registerMigrate(program);
  registerDb(program);
  registerStudio(program);
  return program;
}

/** Runs the CLI and returns its exit code: 0 clean, 1 problems found, 2 could not run. */
export async function run(argv: readonly string[] = process.argv): Promise<number> {
  const program = buildProgram();
  // Commands report their verdict through process.exitCode; read it and put the caller's back,
  // so running the CLI in-process (tests, tools) leaves the host process's exit code alone.
  const outer = process.exitCode;
  process.exitCode = undefined;
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : Number(process.exitCode ?? 0);
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and --version end here too, with exit code 0; commander already printed the usage error.
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof ProjectError) {
      process.stderr.write(`quern: ${e.reason}\n`);
      return 2;
    }
    process.stderr.write(`quern: unexpected failure: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 2;
  } finally {
    process.exitCode = outer;
  }
}

function invokedDirectly(): boolean {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  process.exitCode = await run();
}
