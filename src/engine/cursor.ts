/**
 * Opaque, signed pagination cursors. The boundary an executor returns is
 * serialised with Date and bigint tagged, bound to the query's shape, and
 * HMAC-signed, so a tampered or foreign cursor is a ValidationError, not a
 * surprising page.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { ValidationError } from '../errors.js';
import type { ModelDef } from '../schema/model.js';
import { checkScalar } from '../schema/values.js';

const MAX_CURSOR_LENGTH = 8192;

function encodeValue(v: unknown): unknown {
  if (v instanceof Date) return { $d: v.toISOString() };
  if (typeof v === 'bigint') return { $b: v.toString() };
  if (Array.isArray(v)) return v.map(encodeValue);
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = encodeValue(x);
    return o;
  }
  return v;
}

/**
 * Anyone holding the secret (by default it is derived from the schema) can sign any JSON, so a
 * tagged value that does not parse is a malformed cursor, never a RangeError or SyntaxError.
 */
function decodeValue(v: unknown, path: string): unknown {
  if (Array.isArray(v)) return v.map((x) => decodeValue(x, path));
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.$d === 'string' && Object.keys(o).length === 1) {
      const d = new Date(o.$d);
      if (Number.isNaN(d.getTime())) throw new ValidationError(path, 'malformed cursor: an invalid timestamp');
      return d;
    }
    if (typeof o.$b === 'string' && Object.keys(o).length === 1) {
      if (!/^-?\d+$/.test(o.$b)) throw new ValidationError(path, 'malformed cursor: an invalid bigint');
      return BigInt(o.$b);
    }
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(o)) Object.defineProperty(out, k, { value: decodeValue(o[k], path), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return v;
}

export class CursorCodec {
  private readonly key: Buffer;
  constructor(secret: string | Uint8Array) {
    this.key = createHash('sha256')
      .update(typeof secret === 'string' ? Buffer.from(secret) : Buffer.from(secret))
      .digest();
  }

  private mac(body: string): Buffer {
    return createHmac('sha256', this.key).update(body).digest().subarray(0, 16);
  }

  private static baseHash(base: string): string {
    return createHash('sha256').update(base).digest('base64url').slice(0, 12);
  }

  encode(boundary: unknown, base: string): string {
    const body = Buffer.from(JSON.stringify({ b: encodeValue(boundary), s: CursorCodec.baseHash(base) })).toString('base64url');
    return `${body}.${this.mac(body).toString('base64url')}`;
  }

  decode(cursor: string, base: string, path: string): unknown {
    if (cursor.length > MAX_CURSOR_LENGTH) throw new ValidationError(path, 'cursor is too long');
    const dot = cursor.indexOf('.');
    if (dot <= 0) throw new ValidationError(path, 'malformed cursor');
    const body = cursor.slice(0, dot);
    let given: Buffer;
    try {
      given = Buffer.from(cursor.slice(dot + 1), 'base64url');
    } catch {
      throw new ValidationError(path, 'malformed cursor');
    }
    const want = this.mac(body);
    if (given.length !== want.length || !timingSafeEqual(given, want))
      throw new ValidationError(path, 'invalid cursor: signature mismatch (tampered, or issued with another cursorSecret)');
    let parsed: { b?: unknown; s?: unknown };
    try {
      parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      throw new ValidationError(path, 'malformed cursor');
    }
    if (parsed.s !== CursorCodec.baseHash(base)) throw new ValidationError(path, 'this cursor belongs to a different query (model, filter or order changed)');
    return decodeValue(parsed.b, path);
  }
}

/**
 * A page boundary given as the values of `fields`, in order (the SQL executors' form): each must
 * be a valid value of its field (null only where the field is nullable), or the cursor is
 * malformed. The KV form is checked by the KV executor (its boundary is a key).
 */
export function checkBoundaryValues(model: ModelDef, fields: readonly string[], v: unknown, path: string): void {
  if (!Array.isArray(v) || v.length !== fields.length) throw new ValidationError(path, 'malformed cursor: its boundary does not match this query');
  fields.forEach((f, i) => {
    const def = model.fields[f];
    if (v[i] === null) {
      if (!def.nullable) throw new ValidationError(path, `malformed cursor: ${f} cannot be null`);
      return;
    }
    // The codec decodes timestamps to Dates and bigints to bigints; anything else was not issued by quern.
    if ((def.kind === 'timestamp' && !(v[i] instanceof Date)) || (def.kind === 'bigint' && typeof v[i] !== 'bigint')) {
      throw new ValidationError(path, `malformed cursor: ${f} is not a ${def.kind}`);
    }
    try {
      checkScalar(def, v[i], `${path}.${f}`);
    } catch (e) {
      if (e instanceof ValidationError) throw new ValidationError(path, `malformed cursor: ${e.problem} (${f})`);
      throw e;
    }
  });
}
