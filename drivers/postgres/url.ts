/**
 * A PostgreSQL connection string checked before any connection: pg resolves a string that is not
 * a URL against a dummy base and then fails with "getaddrinfo ENOTFOUND base", naming nothing.
 */
const PROTOCOLS = new Set(['postgres:', 'postgresql:', 'socket:']);

/** What is wrong with `url` as a PostgreSQL connection string, or null when it can be used. */
export function postgresUrlProblem(url: string): string | null {
  // A socket folder ("/var/run/postgresql dbname") is pg's other accepted form.
  if (url.startsWith('/')) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `'${redacted(url)}' is not a URL; expected postgres://user:password@host:5432/database`;
  }
  if (!PROTOCOLS.has(parsed.protocol))
    return `'${redacted(url)}' is not a PostgreSQL URL: it must start with postgres:// (e.g. postgres://user:password@host:5432/database)`;
  if (parsed.protocol !== 'socket:' && !parsed.hostname) return `the URL names no host; expected postgres://user:password@host:5432/database`;
  return null;
}

/** Never echo a password: everything between '://' and '@' goes. */
function redacted(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
