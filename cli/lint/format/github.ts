/**
 * GitHub Actions workflow commands: each finding becomes an annotation on the
 * pull request's diff (`::error file=…,line=…,col=…,title=…::message`).
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { LintResult } from '../findings.js';
import { indexText } from '../findings.js';

/** Escaping per the workflow-command spec: data escapes %, CR, LF; properties also ':' and ','. */
const data = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const prop = (s: string) => data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/**
 * `base`: the folder annotation paths are relative to. GitHub resolves them from the
 * repository root (GITHUB_WORKSPACE), which is not the config's folder in a monorepo.
 */
export function formatGithub(r: LintResult, base = process.env.GITHUB_WORKSPACE || process.cwd()): string {
  const out: string[] = [];
  const path = (file: string) => {
    const abs = isAbsolute(file) ? file : resolve(r.root, file);
    const rel = relative(base, abs);
    return (rel.startsWith('..') || isAbsolute(rel) ? abs : rel).split(sep).join('/');
  };
  for (const f of r.findings) {
    const level = f.severity === 'error' ? 'error' : 'warning';
    const subject = f.model && f.method ? `${f.model}.${f.method}` : f.method ? `db.${f.method}` : '';
    const title = `quern ${f.code}${f.target ? ` (${f.target})` : ''}`;
    const message = `${subject ? `${subject}: ` : ''}${f.message}${f.fix ? `\nfix: ${f.fix}` : ''}`;
    out.push(`::${level} file=${prop(path(f.file))},line=${f.line},col=${f.col},title=${prop(title)}::${data(message)}`);
  }
  for (const m of r.missingIndexes)
    out.push(
      `::notice title=${prop('quern: missing index')}::${data(`${indexText(m)} fixes ${m.queries} ${m.queries === 1 ? 'query' : 'queries'} (${m.targets.join(', ')})`)}`,
    );
  out.push(
    `quern lint: ${r.errorCount} error(s), ${r.warningCount} warning(s), ${r.suppressed.length} suppressed, in ${r.sites} query sites (${r.targets.join(', ')})`,
  );
  return out.join('\n') + '\n';
}
