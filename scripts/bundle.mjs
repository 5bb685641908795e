/**
 * The published runtime: the package's entry points bundled into dist/bundle/ (run by
 * `npm run build` after tsc).
 *
 * Why: an application's cold start (process start to its first result) paid for loading some
 * eighty separate ES modules from dist/ — a resolve, stat, open, read, compile and link per
 * module, about 1.5 ms of CPU each even for a small one — before quern ran a line. Loaded as a
 * few files, that share of the cold start shrinks to compiling the code (docs/performance.md,
 * cold start).
 *
 * What stays as it was: tsc is the compiler and the type build. The bundler reads tsc's own
 * output (dist/**.js), so the code that runs is the code tsc emitted, and the package's `types`
 * still point at tsc's declaration files. The CLI runs tsc's output (bin/quern.mjs), and loads a
 * project's `quern` imports against that same output (cli/config.ts), so it has one copy too.
 *
 * Layout: `core.js` holds `quern`, `quern/postgres`, `quern/driver`, `quern/sqlite` and `quern/mysql` together,
 * and each of those entry points is a one-line file re-exporting its names from it. One core,
 * not a chunk per combination of entry points (a plain code-split build of these entries loaded
 * 13 files for `quern` + `quern/postgres`), and one copy of every module: one `QuernError` class
 * for `instanceof`, one plan cache. `quern/dynamodb` is built with it but stays its own entry,
 * because it first loads the AWS SDK (src/peer.ts reports it missing); what it shares with the
 * core lands in a shared chunk. Packages (pg, the AWS SDK, …) stay imports: they are peers the
 * application installs. A lazy `import()` of quern's own code stays lazy, as a chunk.
 */
import { build } from 'esbuild';
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const outdir = join(dist, 'bundle');

/** Entry point → tsc output; package.json "exports" points each subpath at dist/bundle/<name>.js. */
const CORE_ENTRIES = {
  index: 'src/index.js',
  postgres: 'drivers/postgres/index.js',
  driver: 'src/driver.js',
  sqlite: 'drivers/sqlite/index.js',
  mysql: 'drivers/mysql/index.js',
};
const SEPARATE_ENTRIES = { dynamodb: 'drivers/dynamodb/entry.js' };

const common = { bundle: true, format: 'esm', platform: 'node', target: 'node20', packages: 'external', logLevel: 'warning' };

/** The names an entry point exports (read from a bundle of it that is not written). */
async function exportsOf(file) {
  const r = await build({ ...common, entryPoints: [file], outdir: join(outdir, 'scan'), metafile: true, write: false });
  const outputs = Object.values(r.metafile.outputs).filter((o) => o.entryPoint);
  if (outputs.length !== 1) throw new Error(`bundle: expected one output for ${file}`);
  return outputs[0].exports;
}

const names = {};
for (const [entry, file] of Object.entries(CORE_ENTRIES)) names[entry] = await exportsOf(join(dist, file));

// Each entry's names are exported from the core under a prefixed alias, so two entry points may
// export the same name (`postgresCapabilities` from `quern` and `quern/driver`) without a clash.
const alias = (entry, name) => `${entry}$${name}`;
const coreSource = Object.entries(CORE_ENTRIES)
  .map(([entry, file]) => `export { ${names[entry].map((n) => `${n} as ${alias(entry, n)}`).join(', ')} } from ${JSON.stringify(join(dist, file))};`)
  .join('\n');

rmSync(outdir, { recursive: true, force: true });
await build({
  ...common,
  entryPoints: [{ in: 'quern:core', out: 'core' }, ...Object.entries(SEPARATE_ENTRIES).map(([entry, file]) => ({ in: join(dist, file), out: entry }))],
  outdir,
  splitting: true,
  chunkNames: 'chunk-[hash]',
  // Readable in a stack trace: no minification (measured: it did not make loading faster).
  minify: false,
  legalComments: 'none',
  plugins: [
    {
      name: 'quern-core',
      setup(b) {
        b.onResolve({ filter: /^quern:core$/ }, () => ({ path: 'core', namespace: 'quern-core' }));
        b.onLoad({ filter: /.*/, namespace: 'quern-core' }, () => ({ contents: coreSource, resolveDir: dist, loader: 'js' }));
      },
    },
  ],
});

for (const entry of Object.keys(CORE_ENTRIES)) {
  const list = names[entry].map((n) => `${alias(entry, n)} as ${n}`).join(', ');
  writeFileSync(
    join(outdir, `${entry}.js`),
    `// quern/${entry === 'index' ? '' : entry}: re-exported from the core (scripts/bundle.mjs)\nexport { ${list} } from './core.js';\n`,
  );
}
