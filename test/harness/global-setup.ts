// vitest globalSetup: starts the servers once for the whole run, in the main vitest process, and
// hands their coordinates to every test worker through `provide`. Throwing here fails the run,
// which is what a missing required backend must do.
import type { TestProject } from 'vitest/node';
import { startServers } from './servers.js';
import type { Servers } from './types.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let servers: Servers;
  try {
    servers = await startServers({ log: (line) => console.log(line) });
  } catch (error) {
    // The message says everything; a stack trace into the harness would only bury it in CI logs.
    if (error instanceof Error) error.stack = `${error.name}: ${error.message}`;
    throw error;
  }
  project.provide('quernServers', { postgres: servers.postgres, dynamodb: servers.dynamodb, mysql: servers.mysql, reasons: servers.reasons });
  return async () => {
    // The start-up banner has long scrolled away by now; repeat the skips next to the summary.
    for (const [name, reason] of Object.entries(servers.reasons)) {
      console.log(
        `[quern-harness] ${name} tests were SKIPPED: ${reason
          .split('\n')
          .map((l) => l.trim())
          .join(' ')}`,
      );
    }
    await servers.stop();
  };
}
