// Acceptance 4: user strings are values, never SQL. Stored and returned verbatim, matched
// literally by the text operators (LIKE metacharacters escaped in the parameter value only),
// and unknown keys (orderBy, where, select) rejected with a ValidationError before any I/O.
import { expect, it } from 'vitest';
import { ValidationError } from 'quern';
import { onPostgres } from './backends.js';

const EVIL = "'; DROP TABLE x; --";
const STRINGS = [
  EVIL,
  '%',
  '_',
  '\\',
  '%%',
  '__',
  '\\%',
  '\\_',
  'a%b',
  'a_b',
  'a\\b',
  '100%_\\',
  `"quoted" and 'single'`,
  '{braces,comma}',
  'NULL',
  '',
  ' ',
  '$1',
  '::text',
  "E'\\\\'",
  '\u00e9\u4e2d\ud83d\ude00',
];

onPostgres('hostile input', (b) => {
  it('hostile strings are stored and returned verbatim, in scalars, lists and json', async () => {
    const a = await b.db.account.create({ data: { handle: 'evil', name: EVIL, tags: STRINGS, meta: { [EVIL]: STRINGS } } });
    expect(a.name).toBe(EVIL);
    expect(a.tags).toEqual(STRINGS);
    expect(a.meta).toEqual({ [EVIL]: STRINGS });
    const notes = STRINGS.map((title) => ({ accountId: a.id, title }));
    expect(await b.db.note.createMany({ data: notes })).toEqual({ count: STRINGS.length });
    const back = await b.db.account.findUniqueOrThrow({ where: { id: a.id }, include: { notes: true } });
    expect(back.name).toBe(EVIL);
    expect(back.tags).toEqual(STRINGS);
    expect(back.notes.map((n) => n.title).sort()).toEqual([...STRINGS].sort());
    // The table the payload names an attack on is untouched, and so is ours.
    expect(await b.db.note.count()).toBe(STRINGS.length);
  });

  it('equality, in and has match hostile values exactly', async () => {
    const a = await b.db.account.create({ data: { handle: 'h', name: 'n', tags: [EVIL, '%'] } });
    await b.db.note.createMany({ data: STRINGS.map((title) => ({ accountId: a.id, title })) });
    for (const s of STRINGS) {
      const found = await b.db.note.findMany({ where: { title: s } });
      expect(
        found.map((n) => n.title),
        JSON.stringify(s),
      ).toEqual([s]);
    }
    expect((await b.db.note.findMany({ where: { title: { in: [EVIL, '_', 'nope'] } } })).map((n) => n.title).sort()).toEqual(['_', EVIL].sort());
    expect(await b.db.account.count({ where: { tags: { has: EVIL } } })).toBe(1);
    expect(await b.db.account.count({ where: { tags: { has: '_' } } })).toBe(0);
    expect(await b.db.account.count({ where: { tags: [EVIL, '%'] } })).toBe(1);
  });

  it('contains, startsWith and endsWith treat %, _ and \\ literally', async () => {
    const a = await b.db.account.create({ data: { handle: 'h', name: 'n' } });
    const titles = ['100% sure', '100 percent', 'a_b', 'axb', 'back\\slash', 'backslash', 'x%', 'x_', EVIL, 'DROP'];
    await b.db.note.createMany({ data: titles.map((title) => ({ accountId: a.id, title })) });
    const match = async (where: Record<string, unknown>) =>
      (await b.db.note.findMany({ where: { title: where }, orderBy: { title: 'asc' } })).map((n) => n.title);

    expect(await match({ contains: '%' })).toEqual(['100% sure', 'x%']);
    expect(await match({ contains: '_' })).toEqual(['a_b', 'x_']);
    expect(await match({ contains: 'a_b' })).toEqual(['a_b']);
    expect(await match({ contains: '\\' })).toEqual(['back\\slash']);
    expect(await match({ startsWith: '100%' })).toEqual(['100% sure']);
    expect(await match({ endsWith: '%' })).toEqual(['x%']);
    expect(await match({ endsWith: '_' })).toEqual(['x_']);
    expect(await match({ contains: "'; DROP" })).toEqual([EVIL]);
    expect(await match({ contains: EVIL })).toEqual([EVIL]);
    expect(await match({ contains: '' })).toHaveLength(titles.length);
    // Insensitive: ILIKE with the same escaping.
    expect(await match({ contains: 'drop', mode: 'insensitive' })).toEqual([EVIL, 'DROP']);
    expect(await match({ equals: 'a_B', mode: 'insensitive' })).toEqual(['a_b']);
    expect(await match({ equals: 'A%B', mode: 'insensitive' })).toEqual([]);

    // The pattern travels as a parameter: the SQL text never contains it.
    b.events.length = 0;
    await match({ contains: EVIL });
    expect(b.events[0].sql).not.toContain('DROP');
    expect(b.events[0].sql).toContain("ESCAPE E'\\\\'");
    expect(b.events[0].params).toContain(`%${EVIL}%`);
  });

  it('unknown keys in orderBy, where, select and include are ValidationErrors, before any I/O', async () => {
    b.events.length = 0;
    const cases = [
      () => b.db.note.findMany({ orderBy: { [EVIL]: 'asc' } as never }),
      () => b.db.note.findMany({ orderBy: { title: EVIL } as never }),
      () => b.db.note.findMany({ where: { [EVIL]: 1 } as never }),
      () => b.db.note.findMany({ select: { [EVIL]: true } as never }),
      () => b.db.note.findMany({ include: { [EVIL]: true } as never }),
      () => b.db.note.findMany({ where: { title: { [EVIL]: 'x' } } as never }),
      () => b.db.note.updateMany({ data: { [EVIL]: 'x' } as never }),
    ];
    for (const make of cases) {
      const err = await make().then(
        () => null,
        (e: unknown) => e,
      );
      expect(err, String(err)).toBeInstanceOf(ValidationError);
    }
    expect(b.events).toHaveLength(0);
  });
});
