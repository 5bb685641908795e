// Container support. testcontainers is imported lazily: it is heavy, and without a Docker
// engine it is only consulted to learn that there is none (which takes milliseconds).

/** Keep in sync with docker-compose.yml (harness.test.ts checks that they agree). */
export const POSTGRES_IMAGE = 'postgres:16';
export const DYNAMODB_IMAGE = 'amazon/dynamodb-local';

export type DockerStatus = { ok: true } | { ok: false; reason: string };

const DETECT_TIMEOUT_MS = 10_000;

let detection: Promise<DockerStatus> | undefined;

export function detectDocker(): Promise<DockerStatus> {
  detection ??= (async (): Promise<DockerStatus> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      const { getContainerRuntimeClient } = await import('testcontainers');
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${DETECT_TIMEOUT_MS / 1000} s`)), DETECT_TIMEOUT_MS);
        timer.unref();
      });
      await Promise.race([getContainerRuntimeClient(), timeout]);
      return { ok: true };
    } catch (error) {
      return { ok: false, reason: `no Docker engine (${error instanceof Error ? error.message : String(error)})` };
    } finally {
      clearTimeout(timer);
    }
  })();
  return detection;
}
