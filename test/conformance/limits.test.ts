// Limits every target states up front (issue 11): values a target cannot store, atomicity of
// large createMany calls, range checks on increments, the fan-out bound, and cursor binding.
// Each scenario runs on every target; where a target has a limit, it asserts the typed error
// (and that nothing was sent or written), never a DriverError.
import { expect } from 'vitest';
import { ValidationError } from 'quern';
import { createUser } from './fixtures.js';
import { conformance, rejection } from './targets.js';

conformance('limits', ({ scenario }) => {
  scenario('numbers and JSON keys DynamoDB cannot store are a ValidationError before any request; other targets store them', {}, async (t) => {
    const u = await createUser(t);
    const cases = [
      { data: { rating: 1e300 }, path: 'rating' },
      { data: { rating: -5e-324 }, path: 'rating' },
    ];
    for (const c of cases) {
      const title = t.tag('num');
      const start = t.events.length;
      const q = t.db.post.create({ data: { authorId: u.id, title, ...c.data } });
      if (t.name === 'dynamodb') {
        const e = await rejection(q);
        expect(e, String(e)).toBeInstanceOf(ValidationError);
        expect((e as ValidationError).path).toBe(c.path);
        expect((e as Error).message).toMatch(/range DynamoDB stores numbers in/);
        expect(t.events.length, 'nothing may be sent').toBe(start);
      } else {
        expect((await q).rating).toBe(c.data.rating);
      }
    }
    const profile = t.db.profile.create({ data: { userId: u.id, prefs: { nested: { '': 1 } } } });
    if (t.name === 'dynamodb') {
      const e = await rejection(profile);
      expect(e, String(e)).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).path).toBe('prefs.nested');
    } else {
      expect((await profile).prefs).toEqual({ nested: { '': 1 } });
    }
  });
});
