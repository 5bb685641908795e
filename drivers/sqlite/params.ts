/**
 * Param binding for SQLite: the query's params array → the values for the
 * statement's `?` marks. SQLite binds numbers, strings, bigints and null only,
 * so booleans become 1/0, timestamps ISO text (which sorts as time does),
 * and lists and json values JSON text (read back with json_each / ->).
 */
import { positionalBinder, type Encode } from '../../src/engine/sql/positional-binder.js';
import { jsonText } from '../../src/engine/sql/text-values.js';

export { jsonText };

const timestamp: Encode = (v) => (v instanceof Date ? v.toISOString() : v);
const bool: Encode = (v) => (v === true ? 1 : v === false ? 0 : v);

export const binder = positionalBinder({
  scalar: {
    text: null,
    varchar: null,
    uuid: null,
    date: null,
    int: null,
    float: null,
    bigint: (v) => (typeof v === 'number' ? BigInt(v) : v),
    decimal: (v) => (typeof v === 'string' ? v : String(v)),
    boolean: bool,
    timestamp,
    json: (v) => jsonText(v),
    // Built by a transform (json-rows) already.
    jsonDocument: (v) => (typeof v === 'string' ? v : jsonText(v)),
  },
  // Untyped values (LIMIT counts, raw text matches) still must be bindable.
  untyped: (v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v instanceof Date ? v.toISOString() : v),
});
