import { ValidationError } from '../errors.js';
import type { ElementDef, FieldDef } from './field.js';
import { storedDecimal } from './decimal.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DECIMAL_RE = /^-?\d{1,65}(\.\d{1,30})?$/;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** What PostgreSQL's integer and bigint hold; every target keeps int and bigint fields inside them. */
export const INTEGER_BOUNDS = { int: { min: INT32_MIN, max: INT32_MAX }, bigint: { min: INT64_MIN, max: INT64_MAX } } as const;
/** Depth bound for json values: deep enough for real documents, shallow enough to stop stack exhaustion. */
const JSON_MAX_DEPTH = 64;

function checkString(s: unknown, path: string, maxLength?: number): string {
  if (typeof s !== 'string') throw new ValidationError(path, `expected a string, got ${describe(s)}`);
  // PostgreSQL rejects NUL and unpaired surrogates; refusing them everywhere keeps targets equal.
  if (!s.isWellFormed()) throw new ValidationError(path, 'string is not well-formed UTF-16 (unpaired surrogate)');
  if (s.includes('\u0000')) throw new ValidationError(path, 'string contains a NUL character');
  if (maxLength !== undefined && s.length > maxLength) throw new ValidationError(path, `string is longer than ${maxLength} characters (got ${s.length})`);
  return s;
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Date) return 'a Date';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return typeof v === 'object' ? 'an object' : `${typeof v}`;
}

/** Validate and normalise one scalar (non-null) value of a field or list element. */
export function checkScalar(def: ElementDef | FieldDef, v: unknown, path: string): unknown {
  switch (def.kind) {
    case 'string':
    case 'text':
      return checkString(v, path, def.maxLength);
    case 'enum': {
      const s = checkString(v, path);
      if (!def.enumValues!.includes(s))
        throw new ValidationError(path, `"${s.length > 40 ? s.slice(0, 40) + '…' : s}" is not one of ${def.enumValues!.map((x) => `'${x}'`).join(', ')}`);
      return s;
    }
    case 'uuid': {
      const s = checkString(v, path);
      if (!UUID_RE.test(s)) throw new ValidationError(path, 'expected a UUID');
      return s.toLowerCase();
    }
    case 'int': {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValidationError(path, `expected a finite integer, got ${describe(v)}`);
      if (!Number.isInteger(v)) throw new ValidationError(path, `expected an integer, got ${v}`);
      if (v < INT32_MIN || v > INT32_MAX) throw new ValidationError(path, `integer ${v} is outside the 32-bit range; use f.bigint()`);
      return v;
    }
    case 'float':
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValidationError(path, `expected a finite number, got ${describe(v)}`);
      return v;
    case 'bigint': {
      let b: bigint;
      if (typeof v === 'bigint') b = v;
      else if (typeof v === 'number' && Number.isSafeInteger(v)) b = BigInt(v);
      else throw new ValidationError(path, `expected a bigint, got ${describe(v)}`);
      if (b < INT64_MIN || b > INT64_MAX) throw new ValidationError(path, 'bigint is outside the signed 64-bit range');
      return b;
    }
    case 'decimal': {
      const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : 'x') : v;
      if (typeof s !== 'string' || !DECIMAL_RE.test(s)) throw new ValidationError(path, `expected a decimal string like "12.50", got ${describe(v)}`);
      // PostgreSQL's text form ('007.50' → '7.50'): what every target stores and returns.
      return storedDecimal(s);
    }
    case 'boolean':
      if (typeof v !== 'boolean') throw new ValidationError(path, `expected a boolean, got ${describe(v)}`);
      return v;
    case 'timestamp': {
      const d = v instanceof Date ? v : typeof v === 'string' ? new Date(v) : null;
      if (!d || Number.isNaN(d.getTime())) throw new ValidationError(path, `expected a Date or ISO-8601 string, got ${describe(v)}`);
      const y = d.getUTCFullYear();
      if (y < 1 || y > 9999) throw new ValidationError(path, 'timestamp year must be between 1 and 9999');
      return v instanceof Date ? v : d;
    }
    case 'date': {
      const s = v instanceof Date ? (Number.isNaN(v.getTime()) ? '' : v.toISOString().slice(0, 10)) : v;
      const m = typeof s === 'string' ? DATE_RE.exec(s) : null;
      if (!m) throw new ValidationError(path, `expected a date 'YYYY-MM-DD', got ${describe(v)}`);
      const d = new Date(`${s}T00:00:00Z`);
      if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== s || m[1] === '0000') throw new ValidationError(path, `invalid calendar date '${s}'`);
      return s;
    }
    case 'json':
      return checkJson(v, path, 0);
    case 'list':
      throw new ValidationError(path, 'nested lists are not supported');
    default: {
      const never: never = def;
      throw new ValidationError(path, `unknown field kind ${String((never as FieldDef).kind)}`);
    }
  }
}

function checkJson(v: unknown, path: string, depth: number): unknown {
  if (depth > JSON_MAX_DEPTH) throw new ValidationError(path, `json value nested deeper than ${JSON_MAX_DEPTH}`);
  if (v === null || typeof v === 'boolean') return v;
  if (typeof v === 'string') return checkString(v, path);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new ValidationError(path, `json numbers must be finite, got ${v}`);
    return v;
  }
  if (Array.isArray(v)) return v.map((x, i) => checkJson(x, `${path}[${i}]`, depth + 1));
  if (typeof v === 'object' && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      checkString(k, `${path}.${k}`);
      if (x === undefined) continue;
      // defineProperty so a '__proto__' key stays plain data and never reaches the prototype.
      Object.defineProperty(out, k, { value: checkJson(x, `${path}.${k}`, depth + 1), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  throw new ValidationError(path, `not a JSON value: ${describe(v)}`);
}

/** Validate a full field value (null allowed only for nullable fields). */
export function checkFieldValue(def: FieldDef, v: unknown, path: string): unknown {
  if (v === null) {
    if (!def.nullable) throw new ValidationError(path, 'null is not allowed: the field is not nullable');
    return null;
  }
  if (v === undefined) throw new ValidationError(path, 'undefined is not a value');
  if (def.kind === 'list') {
    if (!Array.isArray(v)) throw new ValidationError(path, `expected an array, got ${describe(v)}`);
    return v.map((x, i) => checkScalar(def.element!, x, `${path}[${i}]`));
  }
  return checkScalar(def, v, path);
}
