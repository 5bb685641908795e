// The studio's data browser on every target: it reads a page of rows, and its edits are quern's
// own validated updates (a bad value is the ValidationError quern raises, and nothing is written).
import { expect } from 'vitest';
import { ValidationError } from 'quern';
import { clientData } from '../../cli/studio/data.js';
import { createUser } from './fixtures.js';
import { blog } from './schema.js';
import { conformance, rejection } from './targets.js';

conformance('studio data browser', ({ scenario }) => {
  scenario('browses rows and edits one through a validated update', {}, async (t) => {
    const u = await createUser(t, { age: 30 });
    const data = clientData(blog, t.db, t.name, t.name);

    const page = await data.rows('user', 200);
    expect(page.rows.map((r) => r.id)).toContain(u.id);

    const bad = await rejection(data.update('user', { id: u.id }, { age: 'thirty' }));
    expect(bad).toBeInstanceOf(ValidationError);
    expect((bad as ValidationError).path).toBe('user.update.data.age');
    const tooLong = await rejection(data.update('user', { id: u.id }, { name: 'x'.repeat(41) }));
    expect(tooLong).toBeInstanceOf(ValidationError);
    expect((tooLong as ValidationError).path).toBe('user.update.data.name');
    // Fields quern keeps itself are not editable, whatever the page sends.
    const kept = await rejection(data.update('user', { id: u.id }, { createdAt: '2020-01-01T00:00:00Z' }));
    expect(kept).toBeInstanceOf(ValidationError);
    expect((kept as ValidationError).path).toBe('data.createdAt');
    expect(await rejection(data.update('nope', { id: u.id }, { age: '1' }))).toBeInstanceOf(ValidationError);
    expect(await rejection(data.update('user', {}, { age: '1' }))).toBeInstanceOf(ValidationError);
    const unchanged = await t.db.user.findUnique({ where: { id: u.id } });
    expect(unchanged).toMatchObject({ name: u.name, age: 30 });

    const row = await data.update('user', { id: u.id }, { name: 'Renamed', age: '41', role: 'guest' });
    expect(row).toMatchObject({ id: u.id, name: 'Renamed', age: 41, role: 'guest' });
    // An empty input clears a nullable field.
    await data.update('user', { id: u.id }, { age: '' });
    expect(await t.db.user.findUnique({ where: { id: u.id } })).toMatchObject({ name: 'Renamed', age: null, role: 'guest' });
  });
});
