/**
 * `quern init`: the files a new project needs (quern.config.ts, a schema
 * module, the migrations folder). Asks for the target only on a terminal;
 * under CI or without one it never prompts and uses --target (default pglite).
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import type { ConfigTarget } from '../../src/config.js';
import { ProjectError } from '../errors.js';
import { CONFIG_NAMES } from '../config.js';
import { parseDeployTargets, TARGET_LIST } from '../lint/targets.js';
import { TARGETS } from '../../targets/index.js';
import { canPrompt } from './migrate.js';

interface InitFlags {
  target?: string[];
  yes?: boolean;
  schema: string;
  dir?: string;
}

export function configSource(targets: readonly ConfigTarget[], schemaPath: string): string {
  const lines = [
    `  schema: '${schemaPath}',`,
    `  targets: [${targets.map((t) => `'${t}'`).join(', ')}],`,
    `  include: ['src/**/*.ts'],`,
    `  migrations: './migrations',`,
  ];
  for (const t of targets) lines.push(`  ${TARGETS[t].initConfig},`);
  return `import { defineConfig } from 'quern';

// Every key is described in quern's docs/config.md; unknown keys are refused.
export default defineConfig({
${lines.join('\n')}
});
`;
}

// Valid on every target: each relation's foreign key has an index (DynamoDB needs it for includes).
export const SCHEMA_SOURCE = `import { belongsTo, defineSchema, f, hasMany, index, model } from 'quern';

export const User = model('User', {
  id: f.uuid().key().auto(),
  email: f.string().unique(),
  name: f.string(),
  createdAt: f.timestamp().createdAt(),
});

export const Post = model('Post', {
  id: f.uuid().key().auto(),
  authorId: f.uuid(),
  title: f.string(),
  createdAt: f.timestamp().createdAt(),
}, { indexes: [index('authorId', 'createdAt')] });

export const schema = defineSchema({ user: User, post: Post }, {
  relations: {
    user: { posts: hasMany('post', 'authorId') },
    post: { author: belongsTo('user', 'authorId') },
  },
});
`;

async function askTargets(): Promise<string[]> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = (await rl.question(`Targets (${TARGET_LIST}; comma-separated) [pglite]: `)).trim();
    return [answer || 'pglite'];
  } finally {
    rl.close();
  }
}

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('write quern.config.ts, a schema module and the migrations folder in the current folder; never prompts under CI')
    .option('-t, --target <targets>', `${TARGET_LIST} (comma-separated or repeated; default pglite)`, (v: string, p: string[] | undefined) => [...(p ?? []), v])
    .option('-y, --yes', 'accept the defaults without asking')
    .option('--schema <path>', 'where to write the schema module', './src/schema.ts')
    .option('--dir <path>', 'the project folder (default: the current folder)')
    .action(async (flags: InitFlags) => {
      const root = resolve(flags.dir ?? process.cwd());
      const existing = CONFIG_NAMES.map((n) => join(root, n)).find((p) => existsSync(p));
      if (existing) throw new ProjectError(`${existing} already exists; quern init writes a new project and changes nothing here`);
      const raw = flags.target ?? (!flags.yes && canPrompt() ? await askTargets() : ['pglite']);
      const targets = parseDeployTargets(raw, undefined);
      const written: string[] = [];
      const write = (path: string, text: string) => {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, text);
        written.push(relative(root, path) || path);
      };
      write(join(root, 'quern.config.ts'), configSource(targets, flags.schema));
      const schemaFile = resolve(root, flags.schema);
      if (existsSync(schemaFile)) process.stdout.write(`kept ${relative(root, schemaFile)} (it exists)\n`);
      else write(schemaFile, SCHEMA_SOURCE);
      const migrations = join(root, 'migrations');
      if (!existsSync(migrations)) write(join(migrations, '.gitkeep'), '');
      // Embedded databases keep their files in the project: never commit them.
      const local = targets.flatMap((t) => TARGETS[t].localData ?? []);
      for (const pattern of new Set(local.map((l) => l.ignore))) {
        const ignore = join(root, '.gitignore');
        const text = existsSync(ignore) ? readFileSync(ignore, 'utf8') : '';
        if (!text.split('\n').some((l) => l.trim().replace(/\/$/, '') === pattern.replace(/\/$/, ''))) {
          appendFileSync(ignore, `${text && !text.endsWith('\n') ? '\n' : ''}${pattern}\n`);
          written.push(`.gitignore (${pattern})`);
        }
      }
      const where = local.map((l) => l.where).join(', ');
      process.stdout.write(
        `wrote ${written.join(', ')}\n\nNext:\n  npx quern migrate dev --name init   # create the first migration and apply it${where ? ` (${where})` : ''}\n  npx quern lint                      # check every query against ${targets.join(', ')}\n`,
      );
    });
}
