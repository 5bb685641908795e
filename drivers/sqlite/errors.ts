/**
 * SQLite errors → quern's typed errors. libsql reports the extended result
 * code (`SQLITE_CONSTRAINT_UNIQUE`) and a message naming the table and
 * columns (`UNIQUE constraint failed: User.email`) or the CHECK constraint
 * (`CHECK constraint failed: quern_range_views`), which map back to models
 * and fields.
 */
import { DriverError, ForeignKeyError, OutOfRangeError, QuernError, UniqueConstraintError } from '../../src/errors.js';
import type { SchemaDef } from '../../src/schema/define.js';
import type { ModelDef } from '../../src/schema/model.js';
import { RANGE_CHECK_PREFIX } from './ddl.js';

function modelOfTable(schema: SchemaDef, table: string | undefined): ModelDef | undefined {
  return table === undefined ? undefined : Object.values(schema.models).find((m) => m.table === table);
}

export function mapSqliteError(e: unknown, schema: SchemaDef, modelKey: string | undefined): Error {
  if (e instanceof QuernError) return e;
  const err = (e ?? {}) as { code?: unknown; extendedCode?: unknown };
  const code = typeof err.extendedCode === 'string' ? err.extendedCode : typeof err.code === 'string' ? err.code : '';
  const message = e instanceof Error ? e.message : String(e);
  const fallback = modelKey ? schema.models[modelKey] : undefined;
  switch (code) {
    case 'SQLITE_CONSTRAINT_UNIQUE':
    case 'SQLITE_CONSTRAINT_PRIMARYKEY': {
      // "UNIQUE constraint failed: User.email, User.team"
      const cols = (/constraint failed: (.*)$/.exec(message)?.[1] ?? '').split(',').map((c) => c.trim());
      const table = cols[0]?.split('.')[0];
      const model = modelOfTable(schema, table) ?? fallback;
      return new UniqueConstraintError(model?.name ?? table ?? 'unknown', cols.map((c) => c.slice(c.indexOf('.') + 1)).filter(Boolean), e);
    }
    case 'SQLITE_CONSTRAINT_FOREIGNKEY':
      return new ForeignKeyError(fallback?.name ?? 'unknown', message, e);
    case 'SQLITE_CONSTRAINT_CHECK': {
      // The range checks the DDL declares on int and bigint columns: an increment went past the range.
      const name = /CHECK constraint failed: (.+)$/.exec(message)?.[1] ?? '';
      if (name.startsWith(RANGE_CHECK_PREFIX)) {
        const [table, field] = name.slice(RANGE_CHECK_PREFIX.length).split('.');
        const model = modelOfTable(schema, table) ?? fallback;
        return new OutOfRangeError(model?.name ?? table, field ?? null, `value out of the column's integer range; nothing was written`, e);
      }
      return new DriverError('sqlite', `${message} (${code})`, e);
    }
    default: {
      if (/no such table/.test(message))
        return new DriverError(
          'sqlite',
          `${message}${fallback ? ` (model ${fallback.name})` : ''}; create the tables with db.push() or quern db push (development) or quern migrate apply`,
          e,
        );
      return new DriverError('sqlite', code ? `${message} (${code})` : message, e);
    }
  }
}
