import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';
import { scaled, timeScale } from './test/harness/time-scale.js';

// design.md pins the AWS SDK for Node 20; its "Node 22 required after January 2027" notice would
// otherwise be printed by every worker. Set here so the globalSetup and the workers inherit it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// One factor for the whole run (workers inherit the environment): see test/harness/time-scale.ts.
process.env.QUERN_TEST_TIME_SCALE ??= String(timeScale());

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests import the package by name, as users do, but run against the TypeScript sources.
    // Anchored patterns, so 'quern' does not also rewrite 'quern/postgres'.
    alias: [
      { find: /^quern\/postgres$/, replacement: here('./drivers/postgres/index.ts') },
      { find: /^quern\/dynamodb$/, replacement: here('./drivers/dynamodb/index.ts') },
      { find: /^quern\/driver$/, replacement: here('./src/driver.ts') },
      { find: /^quern\/sqlite$/, replacement: here('./drivers/sqlite/index.ts') },
      { find: /^quern\/mysql$/, replacement: here('./drivers/mysql/index.ts') },
      { find: /^quern$/, replacement: here('./src/index.ts') },
    ],
  },
  test: {
    globalSetup: ['./test/harness/global-setup.ts'],
    exclude: [...configDefaults.exclude, 'dist/**', '.quern-test/**', '**/tmp-*/**'],
    pool: 'forks',
    // Two cores, and the database servers need one of them: two workers keep the machine busy
    // without starving PostgreSQL and DynamoDB Local.
    maxWorkers: 2,
    fileParallelism: true,
    // Real servers: JVM warm-up and CREATE DATABASE make first calls slow on a small machine,
    // and a busy one is slower still: the bases are scaled by the run's load factor.
    testTimeout: scaled(60_000),
    hookTimeout: scaled(120_000),
    teardownTimeout: scaled(60_000),
  },
});
