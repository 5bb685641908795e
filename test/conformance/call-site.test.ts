// Errors point at the caller: a query fails when it is awaited, from a microtask, so without
// help its stack holds only quern frames ending in Query.then. The first frame of every quern
// error must be the application line that awaited the query (here: this file).
import { expect } from 'vitest';
import { CapabilityError, QuernError, UniqueConstraintError, ValidationError } from 'quern';
import { createUser } from './fixtures.js';
import { conformance } from './targets.js';

const FILE = 'call-site.test.ts';

/** The line of the caller of `nextLine()`, plus one: where the awaited query sits. */
function nextLine(): number {
  const frame = new Error().stack!.split('\n')[2];
  return Number(/:(\d+):\d+\)?$/.exec(frame)![1]) + 1;
}

/** The first frame of the stack must be this file at `line`, and no quern frame may come before it. */
function expectPointsAt(e: unknown, line: number): void {
  expect(e).toBeInstanceOf(QuernError);
  const frames = String((e as Error).stack)
    .split('\n')
    .filter((l) => /^\s+at /.test(l));
  expect(frames[0], String((e as Error).stack)).toContain(`${FILE}:${line}:`);
}

conformance('errors point at the caller', ({ scenario }) => {
  scenario('a ValidationError names the line that awaited the query', {}, async (t) => {
    let line = 0;
    try {
      line = nextLine();
      await t.db.user.findMany({ where: { team: 'x', nickname: 'y' } as never });
      expect.fail('expected a ValidationError');
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expectPointsAt(e, line);
    }
  });

  scenario('a query started with .then() or inside Promise.all names its line', {}, async (t) => {
    const line = nextLine();
    const e1 = await t.db.user.findMany({ where: { team: 'x', age: 'old' as never } }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(e1).toBeInstanceOf(ValidationError);
    expectPointsAt(e1, line);
    let line2 = 0;
    try {
      line2 = nextLine();
      await Promise.all([t.db.user.count({ where: { team: 'x' } }), t.db.post.findMany({ where: { authorId: 'not-a-uuid' } })]);
      expect.fail('expected a ValidationError');
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expectPointsAt(e, line2);
    }
  });

  scenario('an error from the database (unique violation) names the line too', {}, async (t) => {
    const u = await createUser(t);
    let line = 0;
    try {
      line = nextLine();
      await t.db.user.create({ data: { email: u.email, name: 'dup', team: u.team } });
      expect.fail('expected a UniqueConstraintError');
    } catch (e) {
      expect(e).toBeInstanceOf(UniqueConstraintError);
      expectPointsAt(e, line);
    }
  });

  scenario('a refused query (CapabilityError) and a refused batch item name their line', {}, async (t) => {
    let line = 0;
    try {
      line = nextLine();
      await t.db.batch([t.db.user.create({ data: { email: 'e', team: 'x' } as never })]);
      expect.fail('expected a ValidationError');
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expectPointsAt(e, line);
    }
    // An unkeyed filter: PostgreSQL runs it, DynamoDB refuses it with scan-required.
    const team = t.tag('team');
    const unkeyed = () => t.db.user.findMany({ where: { name: `nobody ${team}` } });
    if (t.caps.family !== 'kv') {
      expect(await unkeyed()).toEqual([]);
      return;
    }
    try {
      line = nextLine();
      await unkeyed();
      expect.fail('expected a CapabilityError');
    } catch (e) {
      expect(e).toBeInstanceOf(CapabilityError);
      expect((e as CapabilityError).code).toBe('scan-required');
      // `unkeyed` built the query on its own line; the stack names the line that awaited it.
      expectPointsAt(e, line);
    }
  });
});
