// push() on PostgreSQL: the tables, types, constraints, indexes and foreign keys it creates, and
// that it can run again on an existing schema.
import { expect, it } from 'vitest';
import { onPostgres } from './backends.js';
import { Account } from './schema.js';

onPostgres('push', (b) => {
  it('is idempotent', async () => {
    await b.db.push();
    await b.db.push();
    expect(await b.db.account.count()).toBe(0);
  });

  it('creates columns with the documented types, nullability and collation', async () => {
    const cols = await b.sql(
      `SELECT column_name, data_type, udt_name, character_maximum_length, is_nullable, collation_name, datetime_precision
       FROM information_schema.columns WHERE table_name = 'Account' ORDER BY ordinal_position`,
    );
    const byName = Object.fromEntries(cols.map((c) => [c.column_name, c]));
    expect(Object.keys(byName)).toEqual(Object.keys(Account.fields));
    expect(byName.id).toMatchObject({ udt_name: 'uuid', is_nullable: 'NO' });
    expect(byName.handle).toMatchObject({ udt_name: 'varchar', character_maximum_length: 40, collation_name: 'C' });
    expect(byName.name).toMatchObject({ udt_name: 'text', collation_name: 'C' });
    expect(byName.score).toMatchObject({ udt_name: 'int4', is_nullable: 'YES' });
    expect(byName.balance).toMatchObject({ udt_name: 'int8' });
    expect(byName.price).toMatchObject({ udt_name: 'numeric' });
    expect(byName.ratio).toMatchObject({ udt_name: 'float8' });
    expect(byName.born).toMatchObject({ udt_name: 'date' });
    expect(byName.active).toMatchObject({ udt_name: 'bool', is_nullable: 'NO' });
    expect(byName.meta).toMatchObject({ udt_name: 'jsonb' });
    expect(byName.role).toMatchObject({ udt_name: 'text', collation_name: 'C' });
    expect(byName.tags).toMatchObject({ udt_name: '_text', collation_name: 'C' });
    expect(byName.nums).toMatchObject({ udt_name: '_int8' });
    expect(byName.times).toMatchObject({ udt_name: '_timestamptz' });
    expect(byName.createdAt).toMatchObject({ udt_name: 'timestamptz', datetime_precision: 3 });
  });

  it('names constraints after the schema, and creates indexes and foreign keys', async () => {
    const cons = await b.sql(
      `SELECT c.conname, c.contype, t.relname FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
       WHERE t.relname IN ('Account', 'Note', 'Membership', 'Profile', 'Remark') ORDER BY c.conname`,
    );
    const names = cons.map((c) => `${c.relname}:${c.conname}:${c.contype}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'Account:Account_pkey:p',
        'Account:Account_handle_key:u',
        'Account:Account_role_check:c',
        'Membership:Membership_pkey:p',
        'Membership:Membership_accountId_role_key:u',
        'Membership:Membership_role_check:c',
        'Note:Note_accountId_fkey:f',
        'Remark:Remark_noteId_fkey:f',
        'Profile:Profile_accountId_fkey:f',
        'Membership:Membership_accountId_fkey:f',
      ]),
    );
    // hasMany(note) and belongsTo(account) describe one foreign key, created once.
    expect(names.filter((n) => n.startsWith('Note:') && n.endsWith(':f'))).toHaveLength(1);
    const idx = await b.sql(`SELECT indexname FROM pg_indexes WHERE tablename IN ('Note', 'Remark') ORDER BY indexname`);
    expect(idx.map((i) => i.indexname)).toEqual(expect.arrayContaining(['Note_accountId_rank_idx', 'Remark_noteId_seq_idx']));
  });

  it('the enum CHECK refuses values outside the enum, even from raw SQL', async () => {
    const a = await b.db.account.create({ data: { handle: 'e', name: 'E' } });
    const err = await b.sql(`UPDATE "Account" SET "role" = 'root' WHERE "id" = $1`, [a.id]).then(
      () => null,
      (e: unknown) => e,
    );
    expect(String(err)).toMatch(/Account_role_check/);
  });

  it('strings order by code point (COLLATE "C"), whatever the database locale', async () => {
    for (const [i, name] of ['b', 'B', 'a', '\u00e9', 'A', 'Z', '_', '~'].entries()) {
      await b.db.account.create({ data: { handle: `c${i}`, name } });
    }
    const names = (await b.db.account.findMany({ orderBy: { name: 'asc' } })).map((a) => a.name);
    expect(names).toEqual(['A', 'B', 'Z', '_', 'a', 'b', '~', '\u00e9']);
    const lt = (await b.db.account.findMany({ where: { name: { lt: 'a' } }, orderBy: { name: 'asc' } })).map((a) => a.name);
    expect(lt).toEqual(['A', 'B', 'Z', '_']);
  });
});
