/**
 * DynamoDB Local accepts any credentials and region. An app (or the CLI) pointed at a localhost
 * endpoint should not need AWS settings in its environment, so both get placeholders when the
 * environment has none, and the client and the CLI see the same local tables.
 */
const LOCAL = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\]|0\.0\.0\.0)(:\d+)?(\/|$)/;

export function isLocalEndpoint(endpoint: string | undefined): boolean {
  return endpoint !== undefined && LOCAL.test(endpoint);
}

/** Placeholder credentials for a local endpoint when the environment names none; else nothing (the SDK's chain decides). */
export function localCredentials(endpoint: string | undefined): { accessKeyId: string; secretAccessKey: string } | undefined {
  const fromEnv = process.env.AWS_ACCESS_KEY_ID || process.env.AWS_PROFILE;
  return isLocalEndpoint(endpoint) && !fromEnv ? { accessKeyId: 'local', secretAccessKey: 'local' } : undefined;
}

/** The region for a local endpoint when neither the options nor the environment give one. */
export function localRegion(endpoint: string | undefined): string | undefined {
  const fromEnv = process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION;
  return isLocalEndpoint(endpoint) && !fromEnv ? 'us-east-1' : undefined;
}
