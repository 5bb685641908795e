/**
 * `quern db push`: development only. Creates the schema straight from the
 * models with the drivers' own push (what `db.push()` does), no migration, no
 * ledger. Use `quern migrate` for anything that holds data you care about.
 */
import type { Command } from 'commander';
import { loadProject } from '../config.js';
import { parseTargets } from '../lint/targets.js';
import { missingConnection, resolveConnections, type ConnectionFlags } from '../../migrations/connections.js';
import { pushSchema } from '../../migrations/push.js';
import { announce, collect, connectionOptions, guarded } from './migrate.js';

interface PushFlags extends ConnectionFlags { target?: string[] }

export function registerDb(program: Command): void {
  const db = program.command('db').description('development helpers');
  connectionOptions(
    db
      .command('push')
      .description('development only: create the tables, indexes (and DynamoDB unique-index table) for the models directly, without a migration')
      .option('-t, --target <targets>', 'postgres, dynamodb (default: the config\'s targets)', collect),
  ).action(async (flags: PushFlags, cmd: Command) => guarded(async () => {
    const { config } = cmd.optsWithGlobals<{ config?: string }>();
    const project = await loadProject({ config });
    const targets = parseTargets(flags.target, project.config.targets);
    const connections = resolveConnections(project.config, flags);
    for (const t of targets) if (!connections[t]) throw missingConnection(t);
    announce(targets, connections);
    for (const t of targets) {
      await pushSchema(t, project.schema.def, connections);
      process.stdout.write(`${t}: pushed ${Object.keys(project.schema.def.models).length} model(s) (development only: existing tables are not altered; use \`quern migrate\` for changes)\n`);
    }
  }));
}
