/**
 * PostgreSQL errors → quern's typed errors. pg and PGlite both surface the
 * server's ErrorResponse fields (code, constraint, table, detail), so one
 * mapping serves both.
 */
import { ConcurrencyError, DriverError, ForeignKeyError, OutOfRangeError, QuernError, UniqueConstraintError } from '../../src/errors.js';
import type { SchemaDef } from '../../src/schema/define.js';
import type { ModelDef } from '../../src/schema/model.js';
import { primaryKeyName } from './ddl.js';

interface PgErrorFields {
  code?: unknown;
  constraint?: unknown;
  table?: unknown;
  detail?: unknown;
  message?: unknown;
}

/** PostgreSQL truncates identifiers to 63 bytes (NAMEDATALEN - 1). */
const pgName = (name: string) => Buffer.from(name).subarray(0, 63).toString();

function modelOf(schema: SchemaDef, table: unknown, fallback: string | undefined): ModelDef | undefined {
  if (typeof table === 'string') {
    for (const m of Object.values(schema.models)) if (m.table === table) return m;
  }
  return fallback ? schema.models[fallback] : undefined;
}

/** The fields behind a unique constraint: a declared unique, or the primary key. */
function constraintFields(model: ModelDef, constraint: unknown): string[] | null {
  if (typeof constraint !== 'string') return null;
  for (const u of model.uniques) if (pgName(u.name) === constraint) return [...u.fields];
  if (pgName(primaryKeyName(model)) === constraint) return [...model.key];
  return null;
}

/** `Key ("email")=(a@x.io) already exists.` → ['email'], when the constraint is unknown to the schema. */
function fieldsFromDetail(detail: unknown): string[] {
  if (typeof detail !== 'string') return [];
  const m = /^Key \((.*?)\)=/.exec(detail);
  return m ? m[1].split(',').map((s) => s.trim().replace(/^"|"$/g, '')) : [];
}

/** `host:port` of a refused connection; Node reports one error per address tried (IPv6 and IPv4) in an AggregateError. */
function refusedEndpoint(e: unknown): string {
  const first = e instanceof AggregateError && e.errors.length ? e.errors[0] : e;
  const o = (first ?? {}) as { address?: unknown; port?: unknown };
  return typeof o.address === 'string' ? `${o.address}:${String(o.port ?? 5432)}` : 'the server';
}

export function mapPgError(e: unknown, schema: SchemaDef, modelKey: string | undefined, driver: string): Error {
  if (e instanceof QuernError) return e;
  const err = (e ?? {}) as PgErrorFields;
  const code = typeof err.code === 'string' ? err.code : '';
  const model = modelOf(schema, err.table, modelKey);
  const name = model?.name ?? (typeof err.table === 'string' ? err.table : 'unknown');
  switch (code) {
    case '23505':
      return new UniqueConstraintError(name, (model && constraintFields(model, err.constraint)) ?? fieldsFromDetail(err.detail), e);
    case '23503':
      return new ForeignKeyError(name, typeof err.detail === 'string' ? err.detail : String(err.message ?? 'foreign key violation'), e);
    case '22003':
      // numeric_value_out_of_range: an increment took an integer or bigint column past its range.
      return new OutOfRangeError(name, null, `${e instanceof Error ? e.message : 'numeric value out of range'}; nothing was written`, e);
    case '40001':
    case '40P01':
      return new ConcurrencyError(name, code === '40001' ? 'serialization failure; retry the transaction' : 'deadlock detected; retry the transaction', e);
    case '42P01':
      // undefined_table: the same hint DynamoDB gives for a table that does not exist.
      return new DriverError(
        driver,
        `${e instanceof Error ? e.message : 'relation does not exist'}${model ? ` (model ${model.name})` : ''}; create the tables with db.push() or quern db push (development) or quern migrate apply`,
        e,
      );
    case 'ECONNREFUSED':
      return new DriverError(driver, `connection refused to ${refusedEndpoint(e)}: is the server running, and on that port?`, e);
    default: {
      const message = e instanceof Error ? e.message : String(e);
      return new DriverError(driver, code ? `${message} (SQLSTATE ${code})` : message, e);
    }
  }
}
