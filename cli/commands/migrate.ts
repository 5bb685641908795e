import type { Command } from 'commander';

/** `quern migrate generate | apply | status | check`. (Full implementation in progress.) */
export function registerMigrate(program: Command): void {
  program.command('migrate').description('generate, apply and check schema migrations');
}
