/**
 * MySQL/MariaDB errors → quern's typed errors. mysql2 reports the server's error number
 * (`errno`) and message; a unique violation names its key (`for key 'User_email_key'`, MySQL 8
 * prefixes the table), which maps back to the model's fields.
 */
import {
  ConcurrencyError,
  DriverError,
  ForeignKeyError,
  OutOfRangeError,
  QuernError,
  TimeoutError,
  UniqueConstraintError,
  ValidationError,
} from '../../src/errors.js';
import type { SchemaDef } from '../../src/schema/define.js';
import type { ModelDef } from '../../src/schema/model.js';
import { mysqlName } from './ddl.js';

interface MysqlErrorFields {
  errno?: unknown;
  code?: unknown;
  sqlMessage?: unknown;
}

/** The fields behind a key: 'PRIMARY', or a declared unique (by its MySQL name). */
function keyFields(model: ModelDef, key: string): string[] | null {
  if (key === 'PRIMARY') return [...model.key];
  for (const u of model.uniques) if (mysqlName(u.name) === key) return [...u.fields];
  return null;
}

/** `Duplicate entry 'a@x.io' for key 'User_email_key'` (MySQL 8: 'User.User_email_key') → model and fields. */
function duplicate(schema: SchemaDef, message: string, fallback: ModelDef | undefined): { model: string; fields: string[] } {
  const key = /for key '(?:[^'.]*\.)?([^']+)'$/.exec(message)?.[1];
  if (key) {
    const models = fallback ? [fallback, ...Object.values(schema.models)] : Object.values(schema.models);
    for (const m of models) {
      // PRIMARY names no table: it is the fallback model's (the statement's own).
      if (key === 'PRIMARY' && m !== fallback) continue;
      const fields = keyFields(m, key);
      if (fields) return { model: m.name, fields };
    }
  }
  return { model: fallback?.name ?? 'unknown', fields: [] };
}

/** `host:port` of the server, for connection errors. */
export type Endpoint = string;

export function mapMysqlError(e: unknown, schema: SchemaDef, modelKey: string | undefined, endpoint: Endpoint, requestTimeoutMs = 0): Error {
  if (e instanceof QuernError) return e;
  const err = (e ?? {}) as MysqlErrorFields;
  const errno = typeof err.errno === 'number' ? err.errno : 0;
  const code = typeof err.code === 'string' ? err.code : '';
  const message = typeof err.sqlMessage === 'string' ? err.sqlMessage : e instanceof Error ? e.message : String(e);
  const model = modelKey ? schema.models[modelKey] : undefined;
  const name = model?.name ?? 'unknown';
  switch (errno) {
    case 1062: {
      const d = duplicate(schema, message, model);
      return new UniqueConstraintError(d.model, d.fields, e);
    }
    case 1451: // a parent row still referenced
    case 1452: // a child row referencing no parent
      return new ForeignKeyError(name, message, e);
    case 1264:
    case 1690:
      return new OutOfRangeError(name, null, `${message}; nothing was written`, e);
    case 1406:
      return new ValidationError(name, `${message} (the column is bounded: give the field a .maxLength(n) within the limit, or shorten the value)`);
    case 1213:
      return new ConcurrencyError(name, 'deadlock detected; retry the transaction', e);
    case 1205:
      return new ConcurrencyError(name, 'lock wait timeout exceeded; retry the transaction', e);
    case 1146:
      return new DriverError(
        'mysql',
        `${message}${model ? ` (model ${model.name})` : ''}; create the tables with db.push() or quern db push (development) or quern migrate apply`,
        e,
      );
    default:
      break;
  }
  if (code === 'ECONNREFUSED') return new DriverError('mysql', `connection refused to ${endpoint}: is the server running, and on that port?`, e);
  if (code === 'ETIMEDOUT') return new TimeoutError('mysql', endpoint, 'connect', 0, e);
  if (code === 'PROTOCOL_SEQUENCE_TIMEOUT') return new TimeoutError('mysql', endpoint, 'request', requestTimeoutMs, e);
  return new DriverError('mysql', errno ? `${message} (error ${errno})` : message, e);
}
