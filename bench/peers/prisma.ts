/**
 * Prisma 7 with its pg driver adapter. The client is generated at bench time
 * from bench/peers/schema.prisma into bench/generated/prisma (git-ignored), so
 * a fresh clone needs no committed generated code. `prisma generate` wants a
 * schema-engine binary that it would download; it never runs it for
 * generation, so it is pointed at a stub that fails if anything ever does.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type pg from 'pg';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const schemaFile = join(here, 'schema.prisma');
const outDir = join(here, '..', 'generated', 'prisma');
const clientFile = join(outDir, 'client.ts');

/** Only what the bench calls: the generated client's types stay in the git-ignored folder. */
export interface PrismaLike {
  user: { findUnique(a: unknown): Promise<any>; findMany(a: unknown): Promise<any[]> };
  post: { findMany(a: unknown): Promise<any[]>; update(a: unknown): Promise<any> };
  item: { findMany(a: unknown): Promise<any[]> };
  event: { createMany(a: unknown): Promise<{ count: number }> };
  $connect(): Promise<void>;
  $disconnect(): Promise<void>;
}

/** Runs `prisma generate` when the client is missing or older than the schema. */
export function generatePrismaClient(log?: (s: string) => void): void {
  if (existsSync(clientFile) && statSync(clientFile).mtimeMs >= statSync(schemaFile).mtimeMs) return;
  mkdirSync(outDir, { recursive: true });
  const stub = join(outDir, '..', 'prisma-schema-engine-stub');
  writeFileSync(stub, '#!/bin/sh\necho "the quern bench does not run the Prisma schema engine" >&2\nexit 1\n');
  chmodSync(stub, 0o755);
  log?.('  generating the Prisma client (prisma generate)');
  const r = spawnSync(process.execPath, [join(root, 'node_modules', 'prisma', 'build', 'index.js'), 'generate', '--schema', schemaFile], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: stub, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' },
  });
  if (r.status !== 0) throw new Error(`prisma generate failed: ${(r.stderr || r.stdout || String(r.error)).trim().split('\n').slice(-3).join(' ')}`);
}

/** A PrismaClient over the given pool, through @prisma/adapter-pg. */
export async function prismaOnPool(pool: pg.Pool, log?: (s: string) => void): Promise<PrismaLike> {
  generatePrismaClient(log);
  const [{ PrismaClient }, { PrismaPg }] = await Promise.all([
    import(pathToFileURL(clientFile).href) as Promise<{ PrismaClient: new (o: unknown) => PrismaLike }>,
    import('@prisma/adapter-pg'),
  ]);
  const client = new PrismaClient({ adapter: new PrismaPg(pool) });
  await client.$connect();
  return client;
}
