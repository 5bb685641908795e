// onDelete on belongsTo, on every target: cascade (Task → Project), setNull (Task → User),
// restrict (Milestone → Project, the default), and the join rows of a manyToMany (cascade).
// PostgreSQL runs them as foreign-key actions; DynamoDB reads the dependent rows by their
// foreign-key index and writes the actions in the delete's own TransactWriteItems.
import { expect } from 'vitest';
import { CapabilityError, ConcurrencyError, ForeignKeyError } from 'quern';
import { createUser } from './fixtures.js';
import { conformance, rejection, type Target } from './targets.js';

async function seedProject(t: Target, tasks = 2) {
  const team = t.tag('team');
  const owner = await createUser(t, { team });
  const project = await t.db.project.create({ data: { team, name: 'p' } });
  for (let i = 0; i < tasks; i++) await t.db.task.create({ data: { projectId: project.id, assigneeId: owner.id, title: `task ${i}`, priority: i } });
  return { team, owner, project };
}

conformance('onDelete', ({ scenario }) => {
  scenario('cascade: deleting a project deletes its tasks, in one atomic write', {}, async (t) => {
    const { project, owner } = await seedProject(t, 3);
    const other = await t.db.project.create({ data: { team: project.team, name: 'other' } });
    await t.db.task.create({ data: { projectId: other.id, assigneeId: owner.id, title: 'stays' } });
    const deleted = await t.db.project.delete({ where: { id: project.id } });
    expect(deleted.id).toBe(project.id);
    expect(await t.db.task.findMany({ where: { projectId: project.id } })).toEqual([]);
    expect((await t.db.task.findMany({ where: { projectId: other.id } })).map((x) => x.title)).toEqual(['stays']);
  });

  scenario('cascade racing child creates: no task created concurrently survives its project', {}, async (t) => {
    // DynamoDB: each task create ADDs to a guard count on its project in its own transaction (and
    // needs the project to exist); the project's delete is conditioned on the count it read, so a
    // task created after that read cancels the delete, which is planned again with that task.
    // PostgreSQL: the foreign key does it (the insert locks the parent row it references).
    const { team } = await seedProject(t, 0);
    const outcomes = { created: 0, refused: 0 };
    let orphans = 0;
    for (let round = 0; round < 2; round++) {
      const project = await t.db.project.create({ data: { team, name: `race ${round}` } });
      await t.db.task.create({ data: { projectId: project.id, title: 'before' } });
      let deleted = false;
      const create = async (title: string) => {
        try {
          await t.db.task.create({ data: { projectId: project.id, title } });
          outcomes.created++;
        } catch (e) {
          // The project was gone (ForeignKeyError), or its delete held the item (ConcurrencyError): nothing written.
          expect(e instanceof ForeignKeyError || e instanceof ConcurrencyError, String(e)).toBe(true);
          outcomes.refused++;
        }
      };
      // Two writers create tasks for the whole life of the delete.
      const writers = Array.from({ length: 2 }, async (_, w) => {
        for (let i = 0; i < 15 && !deleted; i++) await create(`w${w}-${i}`);
      });
      const del = (async () => {
        await new Promise((r) => setTimeout(r, 5));
        await t.db.project.delete({ where: { id: project.id } });
        deleted = true;
      })();
      await Promise.all([del, ...writers]);
      expect(await t.db.project.findUnique({ where: { id: project.id } })).toBeNull();
      // After the delete, a task pointing at the project is refused and nothing is written.
      expect(await rejection(t.db.task.create({ data: { projectId: project.id, title: 'after' } }))).toBeInstanceOf(ForeignKeyError);
      orphans += await t.db.task.count({ where: { projectId: project.id } });
    }
    expect(orphans).toBe(0);
    expect(outcomes.created + outcomes.refused).toBeGreaterThan(0);
  });

  scenario('setNull: deleting a user clears the assignee of their tasks and keeps the tasks', {}, async (t) => {
    const { project, owner } = await seedProject(t, 2);
    await t.db.user.delete({ where: { id: owner.id } });
    const tasks = await t.db.task.findMany({ where: { projectId: project.id } });
    expect(tasks.map((x) => [x.title, x.assigneeId]).sort()).toEqual([
      ['task 0', null],
      ['task 1', null],
    ]);
  });

  scenario('restrict (the default): deleting a project with a milestone is a ForeignKeyError and deletes nothing', {}, async (t) => {
    const { project } = await seedProject(t, 2);
    await t.db.milestone.create({ data: { projectId: project.id, name: 'v1' } });
    const e = await rejection(t.db.project.delete({ where: { id: project.id } }));
    expect(e, String(e)).toBeInstanceOf(ForeignKeyError);
    // Nothing was deleted: not the project, not the tasks its cascade would have removed.
    expect(await t.db.project.findUnique({ where: { id: project.id } })).not.toBeNull();
    expect(await t.db.task.count({ where: { projectId: project.id } })).toBe(2);
    // Once the milestone is gone the delete goes through.
    await t.db.milestone.deleteMany({ where: { projectId: project.id } });
    await t.db.project.delete({ where: { id: project.id } });
    expect(await t.db.task.count({ where: { projectId: project.id } })).toBe(0);
  });

  scenario('deleteMany cascades for every deleted row', {}, async (t) => {
    const { team, owner } = await seedProject(t, 0);
    const a = await t.db.project.create({ data: { team, name: 'a' } });
    const b = await t.db.project.create({ data: { team, name: 'b' } });
    for (const p of [a, b]) await t.db.task.create({ data: { projectId: p.id, assigneeId: owner.id, title: 'x' } });
    const r = await t.db.project.deleteMany({ where: { team } });
    // a, b and the seed's own (empty) project
    expect(r.count).toBe(3);
    expect(await t.db.task.count({ where: { projectId: a.id } })).toBe(0);
    expect(await t.db.task.count({ where: { projectId: b.id } })).toBe(0);
  });

  scenario('a manyToMany join row goes with either end', {}, async (t) => {
    const team = t.tag('team');
    const author = await createUser(t, { team });
    const post = await t.db.post.create({ data: { authorId: author.id, title: 'linked' } });
    const [x, y] = await Promise.all(['x', 'y'].map((name) => t.db.tag.create({ data: { team, name } })));
    await t.db.postTag.createMany({
      data: [
        { postId: post.id, tagId: x.id },
        { postId: post.id, tagId: y.id },
      ],
    });
    await t.db.tag.delete({ where: { id: x.id } });
    expect((await t.db.postTag.findMany({ where: { postId: post.id } })).map((l) => l.tagId)).toEqual([y.id]);
    await t.db.post.delete({ where: { id: post.id } });
    expect(await t.db.postTag.findMany({ where: { postId: post.id } })).toEqual([]);
    expect(await t.db.tag.findUnique({ where: { id: y.id } })).not.toBeNull();
  });

  scenario('a cascade beyond one transaction', { needs: ['unboundedBatch'] }, async (t) => {
    // 100 tasks plus the project: 101 items, over DynamoDB's 100 per TransactWriteItems.
    const { project } = await seedProject(t, 0);
    await t.db.task.createMany({ data: Array.from({ length: 100 }, (_, i) => ({ projectId: project.id, title: `bulk ${i}` })) });
    const e = await t.db.project.delete({ where: { id: project.id } }).then(
      () => null,
      (x: unknown) => x,
    );
    if (e) {
      // Refused before any write (the suite checks the code and fix): everything is still there.
      expect(e).toBeInstanceOf(CapabilityError);
      expect(await t.db.task.count({ where: { projectId: project.id } })).toBe(100);
      expect(await t.db.project.findUnique({ where: { id: project.id } })).not.toBeNull();
      throw e;
    }
    expect(await t.db.task.count({ where: { projectId: project.id } })).toBe(0);
  });
});
