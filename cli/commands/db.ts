import type { Command } from 'commander';

/** `quern db push`: development only. (Full implementation in progress.) */
export function registerDb(program: Command): void {
  program.command('db').description('development helpers (db push)');
}
