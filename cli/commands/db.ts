/**
 * `quern db push`: development only. Creates the schema straight from the
 * models with the drivers' own push (what `db.push()` does), no migration, no
 * ledger. Use `quern migrate` for anything that holds data you care about.
 */
import type { Command } from 'commander';
import { loadProject } from '../config.js';
import { parseDeployTargets, TARGET_LIST } from '../lint/targets.js';
import { describeConnection, missingConnection, type ConnectionFlags } from '../../migrations/connections.js';
import { pushSchema, validatePush } from '../../migrations/push.js';
import { announce, collect, connectionOptions, guarded, projectConnections } from './migrate.js';

interface PushFlags extends ConnectionFlags {
  target?: string[];
}

export function registerDb(program: Command): void {
  const db = program.command('db').description('development helpers');
  connectionOptions(
    db
      .command('push')
      .description('development only: create the tables, indexes (and DynamoDB unique-index table) for the models directly, without a migration')
      .option('-t, --target <targets>', `${TARGET_LIST} (default: the config's targets)`, collect),
  ).action(async (flags: PushFlags, cmd: Command) =>
    guarded(async () => {
      const { config } = cmd.optsWithGlobals<{ config?: string }>();
      const project = await loadProject({ config });
      const targets = parseDeployTargets(flags.target, project.config.targets);
      const connections = projectConnections(project, flags);
      for (const t of targets) if (!connections[t]) throw missingConnection(t);
      // Every target's refusals first: a schema DynamoDB cannot serve must not leave PostgreSQL half-changed.
      await validatePush(targets, project.schema.def);
      announce(targets, connections);
      for (const t of targets) {
        const created = await pushSchema(t, project.schema.def, connections);
        const where = `${t} ${describeConnection(t, connections)}`;
        process.stdout.write(
          created.length
            ? `${where}: created ${created.join(', ')} (development only: existing tables are not altered; use \`quern migrate\` for changes)\n`
            : `${where}: already up to date, nothing created (existing tables are not altered; use \`quern migrate\` for changes)\n`,
        );
      }
    }),
  );
}
