/** Small helpers the target entries share for their connection options. */
import type { ConnectionFlags, ConnectionOption } from './types.js';

/** A string flag's value (commander gives strings for `<value>` options). */
export function flagText(flags: ConnectionFlags, key: string): string | undefined {
  const v = flags[key];
  return typeof v === 'string' ? v : undefined;
}

/** The key commander stores a flag under: `--table-prefix <p>` → `tablePrefix`. */
export function flagKey(option: ConnectionOption): string | undefined {
  const long = option.flag?.match(/^--([a-z0-9-]+)/)?.[1];
  return long?.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** A URL as printed: the password masked. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable url)';
  }
}
