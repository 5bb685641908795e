/**
 * The one text form of a decimal: PostgreSQL numeric's, so every target returns the same
 * string (leading zeros dropped, negative zero unsigned, the scale (trailing zeros) kept).
 * Values are put in this form when they are checked (schema/values.ts), so targets that keep
 * decimals as text (DynamoDB's S, which keeps every digit where N holds 38; SQLite's TEXT)
 * store what PostgreSQL would print.
 * Equality is numeric, as in SQL: '10.5' equals '10.50'. Since the scale of a value is at
 * most 30 digits, a numeric equality on DynamoDB is an IN over the few strings of that value.
 */
const MAX_SCALE = 30;

/** PostgreSQL's text form of a numeric literal like '-007.50' → '-7.50', '-0.0' → '0.0'. */
export function storedDecimal(s: string): string {
  const neg = s.startsWith('-');
  const body = neg ? s.slice(1) : s;
  const [int, frac] = body.split('.');
  const i = int.replace(/^0+(?=\d)/, '');
  const zero = /^0*$/.test(int) && (!frac || /^0*$/.test(frac));
  return `${neg && !zero ? '-' : ''}${i}${frac !== undefined ? `.${frac}` : ''}`;
}

/** The shortest form: no trailing fraction zeros. Two decimals are equal iff these are. */
export function minimalDecimal(s: string): string {
  const t = storedDecimal(s);
  if (!t.includes('.')) return t;
  const m = t.replace(/0+$/, '').replace(/\.$/, '');
  return m === '-0' ? '0' : m;
}

/** Every stored string numerically equal to `s` (scales from its own up to the maximum). */
export function decimalVariants(s: string): string[] {
  const m = minimalDecimal(s);
  const dot = m.indexOf('.');
  const scale = dot < 0 ? 0 : m.length - dot - 1;
  const out = [m];
  for (let k = scale + 1; k <= MAX_SCALE; k++) out.push(dot < 0 && k === scale + 1 ? `${m}.0` : `${out[out.length - 1]}0`);
  return out;
}
