/**
 * Result parsers shared by the pg and PGlite drivers, so both hand the
 * executor the same JS values: int8, numeric and date as strings (no
 * precision loss, no time-zone shift), timestamptz as Date. Every other type
 * keeps its driver's default parser (json, bool, int4, float8, text...).
 *
 * PGlite's own timestamptz parser hands PostgreSQL's output to `new Date()`,
 * which reads years below 100 as 19xx; this parser does not.
 */

export const OID = {
  INT8: 20,
  INT8_ARRAY: 1016,
  NUMERIC: 1700,
  NUMERIC_ARRAY: 1231,
  DATE: 1082,
  DATE_ARRAY: 1182,
  TIMESTAMPTZ: 1184,
  TIMESTAMPTZ_ARRAY: 1185,
} as const;

export type TextParser = (s: string) => unknown;

const TS_RE = /^(\d{4,})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(\.\d+)?(?:([+-])(\d\d)(?::?(\d\d))?(?::?(\d\d))?|Z)?( BC)?$/;

/** PostgreSQL's ISO timestamptz output (`2024-01-02 03:04:05.123+00`) → Date. */
export function parseTimestamptz(s: string): Date {
  const m = TS_RE.exec(s);
  if (!m) return new Date(s === 'infinity' ? Infinity : s === '-infinity' ? -Infinity : NaN);
  let year = Number(m[1]);
  if (m[12]) year = 1 - year;
  const ms = m[7] ? Math.round(Number(m[7]) * 1000) : 0;
  const d = new Date(0);
  d.setUTCFullYear(year, Number(m[2]) - 1, Number(m[3]));
  d.setUTCHours(Number(m[4]), Number(m[5]), Number(m[6]), ms);
  if (m[8]) {
    const offset = (Number(m[9]) * 3600 + Number(m[10] ?? 0) * 60 + Number(m[11] ?? 0)) * 1000;
    d.setTime(d.getTime() - (m[8] === '+' ? offset : -offset));
  }
  return d;
}

/** A one-dimensional PostgreSQL array literal → elements (NULL → null), each parsed by `el`. */
export function parseArray(s: string, el: TextParser = (x) => x): unknown[] {
  const out: unknown[] = [];
  if (s.length < 2 || s === '{}') return out;
  // Arrays with explicit bounds look like `[0:1]={a,b}`.
  let i = s.indexOf('{') + 1;
  const end = s.lastIndexOf('}');
  while (i < end) {
    if (s[i] === '"') {
      let v = '';
      i++;
      while (i < end && s[i] !== '"') {
        if (s[i] === '\\') i++;
        v += s[i++];
      }
      out.push(el(v));
      i += 2; // closing quote and delimiter
    } else {
      let j = s.indexOf(',', i);
      if (j === -1 || j > end) j = end;
      const raw = s.slice(i, j);
      out.push(raw === 'NULL' ? null : el(raw));
      i = j + 1;
    }
  }
  return out;
}

const keep: TextParser = (x) => x;

/** OID → parser overrides, applied on top of each driver's defaults. */
export const RESULT_PARSERS: Readonly<Record<number, TextParser>> = {
  [OID.INT8]: keep,
  [OID.INT8_ARRAY]: (s) => parseArray(s),
  [OID.NUMERIC]: keep,
  [OID.NUMERIC_ARRAY]: (s) => parseArray(s),
  [OID.DATE]: keep,
  [OID.DATE_ARRAY]: (s) => parseArray(s),
  [OID.TIMESTAMPTZ]: parseTimestamptz,
  [OID.TIMESTAMPTZ_ARRAY]: (s) => parseArray(s, parseTimestamptz),
};
