/**
 * Loads `quern.config.ts` and the schema module it names. Both are user
 * TypeScript, loaded with jiti so the CLI needs no build step of the user's code.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createJiti } from 'jiti';
import { SchemaError } from '../src/errors.js';
import type { QuernConfig } from '../src/config.js';
import { didYouMean } from '../src/suggest.js';
import type { Schema } from '../src/schema/define.js';
import { ConfigError, ProjectError } from './errors.js';
import { DEPLOY_TARGETS, TARGETS } from '../targets/index.js';
import type { DeployTarget } from '../targets/types.js';

export interface Project {
  config: QuernConfig;
  /** Absolute path of the config file that was loaded. */
  configPath: string;
  /** The folder holding the config: relative paths in it are resolved from here. */
  root: string;
  schema: Schema;
}

export const CONFIG_NAMES = ['quern.config.ts', 'quern.config.mts', 'quern.config.js', 'quern.config.mjs'];

/** Search upward from `cwd` for a config file, unless `config` names one. */
export function findConfig(opts: { config?: string; cwd?: string }): string {
  const cwd = resolve(opts.cwd ?? process.cwd());
  if (opts.config) {
    const p = resolve(cwd, opts.config);
    if (!existsSync(p)) throw new ProjectError(`config file not found: ${p}`);
    if (statSync(p).isDirectory()) {
      const inside = CONFIG_NAMES.map((n) => join(p, n)).find((c) => existsSync(c));
      if (!inside) throw new ProjectError(`no ${CONFIG_NAMES[0]} in ${p}`);
      return inside;
    }
    return p;
  }
  for (let dir = cwd; ; dir = dirname(dir)) {
    for (const n of CONFIG_NAMES) {
      const c = join(dir, n);
      if (existsSync(c)) return c;
    }
    if (dirname(dir) === dir) break;
  }
  throw new ProjectError(
    `no ${CONFIG_NAMES[0]} found in ${cwd} or any parent folder; create one with defineConfig({ schema: './src/schema.ts' }) or pass --config <path>`,
  );
}

/**
 * User modules import `quern`; point that at this very copy of quern (source
 * under tsx/vitest, dist when built), so the schema is built by the same code
 * that plans it, whatever the user's node_modules hold.
 */
function quernAliases(): Record<string, string> {
  const here = dirname(fileURLToPath(import.meta.url));
  const pick = (rel: string) => {
    for (const ext of ['.js', '.ts']) {
      const p = resolve(here, rel + ext);
      if (existsSync(p)) return p;
    }
    return undefined;
  };
  const out: Record<string, string> = {};
  const entries: [string, string][] = [
    ['quern/postgres', '../drivers/postgres/index'],
    ['quern/dynamodb', '../drivers/dynamodb/index'],
    ['quern/sqlite', '../drivers/sqlite/index'],
    ['quern/mysql', '../drivers/mysql/index'],
    ['quern/driver', '../src/driver'],
    ['quern', '../src/index'],
  ];
  for (const [name, rel] of entries) {
    const p = pick(rel);
    if (p) out[name] = p;
  }
  return out;
}

let jitiInstance: ReturnType<typeof createJiti> | undefined;
let quernDirs: string[] = [];

/**
 * One loader per process. quern's own modules stay cached across loads; the
 * user's config and schema modules are dropped before each load, so a process
 * that loads a project again (tests, tools) sees the files as they are now.
 */
function loader() {
  if (!jitiInstance) {
    const aliases = quernAliases();
    quernDirs = [...new Set(Object.values(aliases).map((p) => dirname(p.includes(`${sep}drivers${sep}`) ? dirname(p) : p) + sep))];
    jitiInstance = createJiti(import.meta.url, { alias: aliases, interopDefault: true, moduleCache: true });
  }
  for (const key of Object.keys(jitiInstance.cache)) {
    if (!quernDirs.some((d) => key.startsWith(d)) && !key.includes(`${sep}node_modules${sep}`)) delete jitiInstance.cache[key];
  }
  return jitiInstance;
}

function describeLoadError(what: string, path: string, e: unknown): ProjectError {
  if (e instanceof ProjectError) return e;
  if (e instanceof SchemaError || (e instanceof Error && e.name === 'SchemaError')) {
    return new ProjectError(`the schema in ${path} is invalid: ${e.message}`, { cause: e });
  }
  const msg = e instanceof Error ? e.message.split('\n').slice(0, 6).join('\n') : String(e);
  return new ProjectError(`cannot load ${what} ${path}: ${msg}`, { cause: e });
}

// Each target's section (`postgres: { url }`) is declared by its registry entry.
const CONFIG_KEYS: readonly string[] = ['schema', 'targets', 'include', 'exclude', 'migrations', ...DEPLOY_TARGETS];

/** The config object a loaded module holds: its default export, or (CommonJS) the module itself. */
function configExport(raw: unknown, path: string): Record<string, unknown> {
  if (!raw || typeof raw !== 'object') throw new ProjectError(`${path} must export default defineConfig({ schema: './path/to/schema.ts', ... })`);
  const ns = raw as Record<string, unknown>;
  const isConfigLike = (v: unknown) => !!v && typeof v === 'object' && 'schema' in v;
  if ('default' in ns && !('schema' in ns)) {
    if (!ns.default || typeof ns.default !== 'object' || Array.isArray(ns.default))
      throw new ProjectError(`${path}: the default export must be the config object: export default defineConfig({ schema: './path/to/schema.ts', ... })`);
    return ns.default as Record<string, unknown>;
  }
  if ('schema' in ns) return ns;
  const named = Object.keys(ns).filter((k) => k !== '__esModule');
  const likely = named.find((k) => isConfigLike(ns[k]));
  throw new ProjectError(
    likely
      ? `${path} exports the config as \`${likely}\`, but quern reads the default export; write \`export default defineConfig({ ... })\``
      : `${path} has no default export (it exports: ${named.join(', ') || 'nothing'}); write \`export default defineConfig({ schema: './path/to/schema.ts', ... })\``,
  );
}

/**
 * Every key is checked, unknown ones included: a typo such as `target` for `targets` would
 * otherwise fall back to a default without a word (a CI lint that quietly stops checking a target).
 */
function checkConfig(raw: unknown, path: string): QuernConfig {
  const c = configExport(raw, path);
  const bad = (field: string, problem: string) => new ConfigError(path, field, problem);
  for (const k of Object.keys(c)) {
    if (!CONFIG_KEYS.includes(k)) throw bad(k, `unknown key '${k}'${didYouMean(k, CONFIG_KEYS)}; the keys are ${CONFIG_KEYS.join(', ')} (see docs/config.md)`);
  }
  if (typeof c.schema !== 'string' || c.schema === '') throw bad('schema', `'schema' must be the path of the module exporting the schema`);
  if (c.targets !== undefined) {
    const expected = DEPLOY_TARGETS.join(', ');
    if (!Array.isArray(c.targets) || c.targets.length === 0) throw bad('targets', `'targets' must be a non-empty array of ${expected}`);
    for (const t of c.targets)
      if (!DEPLOY_TARGETS.includes(t))
        throw bad('targets', `unknown target '${String(t)}'${typeof t === 'string' ? didYouMean(t, DEPLOY_TARGETS) : ''}; expected ${expected}`);
  }
  for (const k of ['include', 'exclude'] as const) {
    const v = c[k];
    if (v !== undefined && (!Array.isArray(v) || v.some((g) => typeof g !== 'string'))) throw bad(k, `'${k}' must be an array of glob strings`);
  }
  // The commands use these as they are (path.resolve, connection strings): a wrong type must stop here, named.
  if (c.migrations !== undefined && (typeof c.migrations !== 'string' || c.migrations === ''))
    throw bad('migrations', `'migrations' must be the path of the migrations folder`);
  for (const k of DEPLOY_TARGETS) checkSection(c[k], k, bad);
  return c as unknown as QuernConfig;
}

/** A target's section against the options its registry entry declares. */
function checkSection(v: unknown, target: DeployTarget, bad: (field: string, problem: string) => ConfigError): void {
  if (v === undefined) return;
  const options = TARGETS[target].options;
  const keys = options.map((o) => o.key);
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw bad(target, `'${target}' must be an object like { ${keys.map((x) => `${x}: '...'`).join(', ')} }`);
  for (const [x, value] of Object.entries(v)) {
    const option = options.find((o) => o.key === x);
    if (!option) throw bad(`${target}.${x}`, `unknown key '${target}.${x}'${didYouMean(x, keys)}; '${target}' takes ${keys.join(', ')}`);
    switch (option.type) {
      case 'string':
        if (value !== undefined && typeof value !== 'string') throw bad(`${target}.${x}`, `'${target}.${x}' must be a string`);
        break;
      default: {
        const never: never = option.type;
        throw new Error(`unknown option type ${String(never)}`);
      }
    }
  }
}

function isSchema(v: unknown): v is Schema {
  return !!v && typeof v === 'object' && 'def' in v && !!(v as Schema).def && typeof (v as Schema).def.models === 'object';
}

export async function loadProject(opts: { config?: string; cwd?: string } = {}): Promise<Project> {
  const configPath = findConfig(opts);
  const root = dirname(configPath);
  const jiti = loader();
  let rawConfig: unknown;
  try {
    rawConfig = await jiti.import(configPath);
  } catch (e) {
    throw describeLoadError('config', configPath, e);
  }
  const config = checkConfig(rawConfig, configPath);
  const schemaPath = isAbsolute(config.schema) ? config.schema : resolve(root, config.schema);
  if (!existsSync(schemaPath)) throw new ProjectError(`${configPath}: schema module not found: ${schemaPath}`);
  let mod: Record<string, unknown>;
  try {
    mod = await jiti.import<Record<string, unknown>>(schemaPath);
  } catch (e) {
    throw describeLoadError('schema module', schemaPath, e);
  }
  const candidate = isSchema(mod.schema) ? mod.schema : isSchema(mod.default) ? mod.default : isSchema(mod) ? mod : undefined;
  if (!candidate) {
    const names = Object.keys(mod).filter((k) => k !== '__esModule');
    throw new ProjectError(
      `${schemaPath} must export the schema built by defineSchema() as \`export const schema\` or the default export; it exports: ${names.join(', ') || '(nothing)'}`,
    );
  }
  return { config, configPath, root, schema: candidate };
}
