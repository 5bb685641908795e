/**
 * Param binding for MySQL: the query's params array → the values for the statement's `?`
 * marks. Booleans become 1/0, timestamps UTC `YYYY-MM-DD HH:MM:SS.mmm` (what DATETIME(3)
 * takes), bigints numbers when exact (LIMIT takes no string) and digit strings otherwise,
 * lists and json values canonical JSON text. JSON_TABLE reads ISO timestamps inside JSON
 * documents into DATETIME(3) columns as they are.
 */
import { positionalBinder, type Encode } from '../../src/engine/sql/positional-binder.js';
import { jsonText } from '../../src/engine/sql/text-values.js';

/** A Date as DATETIME text in UTC (sessions run with time_zone '+00:00'). */
export function datetimeText(d: Date): string {
  return d.toISOString().replace('T', ' ').replace('Z', '');
}

const integer: Encode = (v) => {
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  return v;
};

export const binder = positionalBinder({
  scalar: {
    text: null,
    varchar: null,
    uuid: null,
    date: null,
    int: null,
    float: null,
    bigint: integer,
    decimal: (v) => (typeof v === 'string' ? v : String(v)),
    boolean: (v) => (v === true ? 1 : v === false ? 0 : v),
    timestamp: (v) => (v instanceof Date ? datetimeText(v) : v),
    json: (v) => jsonText(v),
    jsonDocument: (v) => (typeof v === 'string' ? v : jsonText(v)),
  },
  // Untyped values (LIMIT counts) still must be bindable.
  untyped: (v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v instanceof Date ? datetimeText(v) : integer(v)),
});
