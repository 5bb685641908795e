/** `quern lint`: every query in the source tree, planned offline for each target. */
import { writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { loadLint } from '../lint/load.js';
import { Command, InvalidArgumentError, Option } from 'commander';
import { loadProject, type Project } from '../config.js';
import { exitCodeFor, type LintResult } from '../lint/findings.js';
import { formatGithub } from '../lint/format/github.js';
import { formatJson } from '../lint/format/json.js';
import { formatSarif } from '../lint/format/sarif.js';
import { coloursFor, formatText, plain } from '../lint/format/text.js';
import { parseTargets, PLAN_TARGET_LIST } from '../lint/targets.js';
import { quernVersion } from '../version.js';

export const FORMATS = ['text', 'json', 'sarif', 'github'] as const;
export type Format = (typeof FORMATS)[number];

export const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < -1) throw new InvalidArgumentError('expected an integer ≥ 0 (or -1 for no limit)');
  return n;
}

interface LintFlags {
  target?: string[];
  format: Format;
  maxWarnings: number;
  shapes?: string[];
  output?: string;
  changed?: string | true;
}

export function render(result: LintResult, format: Format, toFile: boolean): string {
  switch (format) {
    case 'text':
      return formatText(result, toFile ? plain : coloursFor(process.stdout));
    case 'json':
      return formatJson(result);
    case 'sarif':
      return formatSarif(result, quernVersion());
    case 'github':
      return formatGithub(result);
  }
}

/**
 * The lint's own file set narrowed to the changed files. The schema and the config decide every
 * plan, so when either changed every file is linted again.
 */
async function changedSelection(project: Project, paths: readonly string[], ref: string): Promise<string[]> {
  const { changedFiles } = await import('../lint/changed.js');
  const { lintFiles } = await import('../lint/program.js');
  const changed = changedFiles(project.root, ref);
  const all = await lintFiles(project.root, project.config.include, project.config.exclude, paths);
  const schemaFile = resolve(project.root, project.config.schema);
  const decisive = [project.configPath, schemaFile].filter(
    (f) => changed.has(f) || [...changed].some((c) => c.replace(/\.[cm]?[jt]sx?$/, '') === f.replace(/\.[cm]?[jt]sx?$/, '')),
  );
  if (decisive.length > 0) {
    process.stderr.write(`quern lint --changed ${ref}: ${decisive.map((f) => relative(project.root, f)).join(' and ')} changed, so every file is linted\n`);
    return all;
  }
  const files = all.filter((f) => changed.has(f));
  process.stderr.write(`quern lint --changed ${ref}: ${files.length} of ${all.length} files changed\n`);
  return files;
}

export function registerLint(program: Command): void {
  program
    .command('lint')
    .description(
      'find every quern query in the source tree (TypeScript type checker), plan it for each target offline, and report what a target cannot run well',
    )
    .argument('[paths...]', "files or folders to lint instead of the config's include globs")
    .option('-t, --target <targets>', `target(s) to check: ${PLAN_TARGET_LIST} (comma-separated or repeated; default: the config's targets)`, collect)
    .addOption(new Option('-f, --format <format>', 'output format').choices(FORMATS).default('text'))
    .option('--max-warnings <n>', 'exit 1 when there are more warnings than this (-1: no limit)', integer, -1)
    .option(
      '--shapes <file>',
      'query shapes recorded by test runs (QUERN_RECORD=<file>) or in production (createClient({ recordShapes })), sites mapped through source maps (repeatable); deduplicated against the static ones',
      collect,
    )
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option(
      '--changed [ref]',
      'lint only the files changed against a git ref (default HEAD: uncommitted changes; on a pull request e.g. origin/main); a changed schema or config lints everything',
    )
    .addHelpText(
      'after',
      `
Exit codes: 0 no errors (and warnings within --max-warnings), 1 errors or too many warnings, 2 lint could not run.

Suppress one code at one site with a comment on the line above:
  // quern-allow scan-required: nightly export reads every row on purpose

Examples:
  quern lint --target dynamodb
  quern lint --format sarif -o quern.sarif
  quern lint --changed origin/main --format github
  QUERN_RECORD=shapes.jsonl npm test && quern lint --shapes shapes.jsonl`,
    )
    .action(async (paths: string[], flags: LintFlags, cmd: Command) => {
      const { config } = cmd.optsWithGlobals<{ config?: string }>();
      const project = await loadProject({ config });
      const targets = parseTargets(flags.target, project.config.targets);
      // Loaded on use: the analysis pulls in the TypeScript compiler (~0.5 s), which other commands never need.
      const { runLint } = await loadLint();
      const files = flags.changed === undefined ? undefined : await changedSelection(project, paths, flags.changed === true ? 'HEAD' : flags.changed);
      const result = await runLint(project, { targets, paths, shapes: flags.shapes, ...(files ? { files } : {}) });
      const text = render(result, flags.format, !!flags.output);
      if (flags.output) {
        writeFileSync(flags.output, text);
        process.stderr.write(
          `quern lint: ${result.errorCount} error(s), ${result.warningCount} warning(s), ${result.suppressed.length} suppressed in ${result.sites} query sites; report written to ${flags.output}\n`,
        );
      } else process.stdout.write(text);
      process.exitCode = exitCodeFor(result, flags.maxWarnings);
    });
}
