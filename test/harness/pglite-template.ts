// One empty PGlite cluster, made once per run, that every test's in-memory PGlite starts from.
// A fresh PGlite runs initdb in WebAssembly: several seconds of CPU per start, paid by every test
// file that opens one (each file is its own process). Loading a dump of an initialised empty
// cluster (`pglite({ loadDataDir })`) skips initdb; the database the test sees is the same.
// Tests that are about starting PGlite itself (data directories, start-up errors) keep calling
// pglite() without it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PgliteTemplate {
  /** The tarball's path, handed to the workers (provide() carries plain data only). */
  readonly path: string;
  remove(): Promise<void>;
}

/** Initialises an empty in-memory cluster and writes its data directory as an uncompressed tarball. */
export async function makePgliteTemplate(): Promise<PgliteTemplate> {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create();
  let tarball: Blob;
  try {
    // Uncompressed: gunzip in every worker would cost CPU again, and the file is read from the page cache.
    tarball = await db.dumpDataDir('none');
  } finally {
    await db.close();
  }
  const dir = await mkdtemp(join(tmpdir(), 'quern-pglite-template-'));
  const path = join(dir, 'empty-cluster.tar');
  await writeFile(path, Buffer.from(await tarball.arrayBuffer()));
  return { path, remove: () => rm(dir, { recursive: true, force: true }) };
}

let loaded: Blob | undefined;

/** The template as a Blob, read once per worker process. */
export function readPgliteTemplate(path: string): Blob {
  loaded ??= new Blob([readFileSync(path)]);
  return loaded;
}
