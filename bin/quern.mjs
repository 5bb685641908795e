#!/usr/bin/env node
// The `quern` command: runs the compiled CLI (dist/cli/main.js, built by `npm run build`).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const main = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
if (!existsSync(main)) {
  process.stderr.write(`quern: the CLI is not built (${main} is missing); run npm run build\n`);
  process.exit(2);
}
const { run } = await import(pathToFileURL(main).href);
process.exitCode = await run(process.argv);
