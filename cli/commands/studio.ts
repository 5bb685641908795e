/**
 * `quern studio`: a local web page showing the models, their data, the capability map (every
 * query site lint finds, with its plan per target) and live query stats. Runs until interrupted.
 */
import { Command, InvalidArgumentError } from 'commander';
import { loadProject } from '../config.js';
import { ProjectError } from '../errors.js';
import { parseDeployTargets, parseTargets, TARGET_LIST } from '../lint/targets.js';
import { describeConnection, type DeployTarget } from '../../migrations/connections.js';
import { QuernError } from '../../src/errors.js';
import { collect, connectionOptions, projectConnections } from './migrate.js';
import type { ConnectionFlags } from '../../migrations/connections.js';

interface StudioFlags extends ConnectionFlags {
  port: number;
  target?: string[];
  allowWrites?: boolean;
  shapes?: string[];
}

export const DEFAULT_STUDIO_PORT = 4983;

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port number 0-65535 (0: any free port)');
  return n;
}

export function registerStudio(program: Command): void {
  connectionOptions(
    program
      .command('studio')
      .description(
        'open a local web page: the models with their PostgreSQL and DynamoDB tables, a data browser, the capability map of every query site, and live query stats',
      )
      .option('-p, --port <port>', 'port to listen on, on 127.0.0.1 (0: any free port)', port, DEFAULT_STUDIO_PORT)
      .option(
        '-t, --target <target>',
        `database whose rows the data browser shows: ${TARGET_LIST} (default: the first configured target with a connection)`,
        collect,
      )
      .option('--allow-writes', "let the data browser edit rows (through quern's validated update); read-only without it")
      .option(
        '--shapes <file>',
        'recorded query shapes (recordShapes / QUERN_RECORD): planned into the capability map, and the first file feeds the live query stats (repeatable)',
        collect,
      ),
  )
    .addHelpText(
      'after',
      `
The capability map plans for every target in quern.config.ts; --target only picks the database to browse.

Examples:
  quern studio
  quern studio --target pglite --allow-writes
  quern studio --port 0 --shapes shapes.jsonl`,
    )
    .action(async (flags: StudioFlags, cmd: Command) => {
      const { config } = cmd.optsWithGlobals<{ config?: string }>();
      const project = await loadProject({ config });
      const targets = parseTargets(undefined, project.config.targets);
      const connections = projectConnections(project, flags);
      const chosen = flags.target ? parseDeployTargets(flags.target, undefined) : null;
      if (chosen && chosen.length > 1) throw new ProjectError(`--target takes one database to browse; got ${chosen.join(', ')}`);
      const dataTarget: DeployTarget | undefined = chosen
        ? chosen[0]
        : parseDeployTargets(undefined, project.config.targets).find((t) => connections[t] !== undefined);
      const { openData } = await import('../studio/data.js');
      const { startStudio } = await import('../studio/server.js');
      let data = null;
      let dataProblem: string | undefined;
      if (!dataTarget)
        dataProblem = 'no configured target has a connection; pass --target pglite (a local data folder), --url for PostgreSQL or --endpoint for DynamoDB';
      else {
        try {
          process.stderr.write(`connecting to ${describeConnection(dataTarget, connections)}…\n`);
          data = await openData(project.schema, dataTarget, connections);
        } catch (e) {
          // The models and the capability map need no database: say why there is no data, and serve the rest.
          if (!(e instanceof QuernError)) throw e;
          dataProblem = e.message;
          process.stderr.write(`quern studio: no data browser: ${e.message}\n`);
        }
      }
      const studio = await startStudio({
        project,
        targets,
        data,
        dataProblem,
        allowWrites: !!flags.allowWrites,
        shapes: flags.shapes ?? [],
        tablePrefix: connections.dynamodb?.tablePrefix ?? project.config.dynamodb?.tablePrefix ?? '',
        port: flags.port,
      });
      process.stdout.write(`quern studio: ${studio.url} (${flags.allowWrites ? 'editing on' : 'read-only'}; Ctrl+C to stop)\n`);
      await new Promise<void>((done) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          done();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await studio.close();
      await data?.close();
    });
}
