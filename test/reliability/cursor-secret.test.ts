/**
 * The cursor secret (issue 11, item 7): the default one is derived from the schema, so anyone who
 * knows the schema can sign a cursor. Under NODE_ENV=production quern uses a random per-process
 * secret instead, with a loud warning, unless `cursorSecret` is given. The secret does not depend
 * on the target; PGlite runs it.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createClient, defineSchema, f, model, ValidationError } from 'quern';
import { pglite } from 'quern/postgres';
import { CursorCodec } from '../../src/engine/cursor.js';
import { buildQuery } from 'quern';
import { cursorBase } from '../../src/query/build.js';
import { pgliteOptions } from '../harness/index.js';

const Note = model('Note', { id: f.string().key(), body: f.string() });
const schema = defineSchema({ note: Note });
const saved = { NODE_ENV: process.env.NODE_ENV, QUERN_CURSOR_SECRET: process.env.QUERN_CURSOR_SECRET };

function forged(): string {
  const built = buildQuery(schema.def, 'note', 'paginate', { first: 1 });
  const ast = built.ast as unknown as { where: never; orderBy: never };
  return new CursorCodec(`quern:${schema.def.hash}`).encode(['a'], cursorBase('note', ast.where, ast.orderBy, built.params));
}

async function withWarnings<T>(fn: () => Promise<T>): Promise<{ value: T; codes: string[] }> {
  const codes: string[] = [];
  const on = (w: Error & { code?: string }) => void codes.push(w.code ?? w.name);
  process.on('warning', on);
  try {
    const value = await fn();
    await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
    return { value, codes };
  } finally {
    process.off('warning', on);
  }
}

describe('cursor secret', () => {
  // One PGlite for both clients (start-up is slow on a busy machine); closing a client closes it.
  const driver = pglite(pgliteOptions());
  let last: { close(): Promise<void> } | undefined;
  afterAll(async () => {
    await last?.close();
  });
  afterEach(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('under NODE_ENV=production without cursorSecret: a random secret and a loud warning; schema-derived forgeries fail', async () => {
    process.env.NODE_ENV = 'production';
    delete process.env.QUERN_CURSOR_SECRET;
    const { value: db, codes } = await withWarnings(() => createClient({ schema, driver, strict: true }));
    last = db;
    expect(codes).toContain('QUERN_CURSOR_SECRET');
    await db.push();
    await db.note.createMany({
      data: [
        { id: 'a', body: '1' },
        { id: 'b', body: '2' },
      ],
    });
    {
      const page = await db.note.paginate({ first: 1 });
      expect(page.items.map((n) => n.id)).toEqual(['a']);
      expect((await db.note.paginate({ first: 1, after: page.nextCursor })).items.map((n) => n.id)).toEqual(['b']);
      const e = await Promise.resolve(db.note.paginate({ first: 1, after: forged() })).then(
        () => null,
        (x: unknown) => x,
      );
      expect(e, String(e)).toBeInstanceOf(ValidationError);
      expect((e as Error).message).toMatch(/signature mismatch/);
    }
  }, 120_000);

  it('outside production the schema-derived default still works (development convenience), and a given secret must be long enough', async () => {
    process.env.NODE_ENV = 'test';
    delete process.env.QUERN_CURSOR_SECRET;
    const { value: db, codes } = await withWarnings(() => createClient({ schema, driver, strict: true }));
    last = db;
    expect(codes).not.toContain('QUERN_CURSOR_SECRET');
    await db.push();
    expect((await db.note.paginate({ first: 1, after: forged() })).items.map((n) => n.id)).toEqual(['b']);
    // Refused before connecting: this driver is never started.
    const short = await createClient({ schema, driver: pglite(), cursorSecret: 'short' }).then(
      () => null,
      (x: unknown) => x,
    );
    expect(short, String(short)).toBeInstanceOf(ValidationError);
    expect((short as ValidationError).path).toBe('createClient.cursorSecret');
  }, 120_000);
});
