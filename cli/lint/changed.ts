/**
 * `quern lint --changed [ref]`: the files a change touched, for linting a pull
 * request without planning every query of the tree. A file counts as changed
 * when it differs between the merge base of `ref` and HEAD and the working tree
 * (committed, staged or not), or is new and not ignored.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { ProjectError } from '../errors.js';

function git(root: string, args: string[]): string {
  try {
    return execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const stderr = (e as { stderr?: string }).stderr?.trim().split('\n')[0] ?? (e instanceof Error ? e.message : String(e));
    throw new ProjectError(`--changed needs git: \`git ${args.join(' ')}\` failed in ${root}: ${stderr}`);
  }
}

/** Absolute paths of the files changed against `ref` (default HEAD: the uncommitted changes). */
export function changedFiles(root: string, ref: string): Set<string> {
  const top = git(root, ['rev-parse', '--show-toplevel']).trim();
  // The merge base, so a branch behind `ref` is not charged with the changes made on `ref` since.
  const base = git(root, ['merge-base', ref, 'HEAD']).trim();
  const lines = [
    ...git(root, ['diff', '--name-only', '--diff-filter=ACMR', base, '--']).split('\n'),
    ...git(root, ['ls-files', '--others', '--exclude-standard'])
      .split('\n')
      .map((f) => (f ? `${relativeTo(top, root)}${f}` : f)),
  ];
  return new Set(lines.filter(Boolean).map((f) => resolve(top, f)));
}

/** `git ls-files` prints paths relative to the folder it ran in; `git diff` relative to the top. */
function relativeTo(top: string, root: string): string {
  const rel = resolve(root)
    .slice(resolve(top).length)
    .replace(/^[/\\]/, '');
  return rel ? `${rel}/` : '';
}
