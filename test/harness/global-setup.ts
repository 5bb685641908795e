// vitest globalSetup: starts the servers once for the whole run, in the main vitest process, and
// hands their coordinates to every test worker through `provide`. Throwing here fails the run,
// which is what a missing required backend must do.
import type { TestProject } from 'vitest/node';
import { makePgliteTemplate, type PgliteTemplate } from './pglite-template.js';
import { startServers } from './servers.js';
import type { Servers } from './types.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // The template is made while the servers start: PGlite's initdb is CPU, theirs is mostly waiting.
  const making = makeTemplate();
  let servers: Servers;
  try {
    servers = await startServers({ log: (line) => console.log(line) });
  } catch (error) {
    await (await making)?.remove();
    // The message says everything; a stack trace into the harness would only bury it in CI logs.
    if (error instanceof Error) error.stack = `${error.name}: ${error.message}`;
    throw error;
  }
  const template = await making;
  project.provide('quernServers', { postgres: servers.postgres, dynamodb: servers.dynamodb, mysql: servers.mysql, reasons: servers.reasons });
  project.provide('quernPgliteTemplate', template?.path ?? null);
  return async () => {
    await template?.remove();
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

/** Without a template every PGlite start runs initdb: slower, still correct, so a failure only warns. */
async function makeTemplate(): Promise<PgliteTemplate | null> {
  try {
    return await makePgliteTemplate();
  } catch (error) {
    console.log(`[quern-harness] pglite: no template cluster (${error instanceof Error ? error.message : String(error)}); every PGlite runs initdb`);
    return null;
  }
}
