import { defineConfig } from 'quern';

// The repository's own config: `npx quern lint` checks the blog example, the acceptance demo.
export default defineConfig({
  schema: './examples/blog/schema.ts',
  targets: ['postgres', 'dynamodb'],
  include: ['examples/blog/**/*.ts'],
  migrations: './examples/blog/migrations',
});
