/** The default report: findings grouped by file, a summary, and the indexes that would fix errors. */
import type { Finding, LintResult } from '../findings.js';
import { indexText } from '../findings.js';
import { DIAGNOSTICS, isDiagnosticCode } from '../../../src/plan/diagnostics.js';

export interface Colours {
  red(s: string): string;
  yellow(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
  green(s: string): string;
}

const paint = (code: string) => (s: string) => `\x1b[${code}m${s}\x1b[0m`;
export const ansi: Colours = { red: paint('31'), yellow: paint('33'), dim: paint('2'), bold: paint('1'), green: paint('32') };
export const plain: Colours = { red: (s) => s, yellow: (s) => s, dim: (s) => s, bold: (s) => s, green: (s) => s };

/** Colour only for a terminal, and never when NO_COLOR is set (FORCE_COLOR forces it). */
export function coloursFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Colours {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return plain;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return ansi;
  return stream.isTTY ? ansi : plain;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function what(f: Finding): string {
  const subject = f.model && f.method ? `${f.model}.${f.method}` : f.method ? `db.${f.method}` : (f.model ?? '');
  return [subject, f.target ? `on ${f.target}` : ''].filter(Boolean).join(' ');
}

export function formatText(r: LintResult, c: Colours): string {
  const out: string[] = [];
  const byFile = new Map<string, Finding[]>();
  for (const f of r.findings) {
    const list = byFile.get(f.file);
    if (list) list.push(f);
    else byFile.set(f.file, [f]);
  }
  for (const [file, list] of byFile) {
    out.push(c.bold(file));
    const posWidth = Math.max(...list.map((f) => `${f.line}:${f.col}`.length));
    const codeWidth = Math.max(...list.map((f) => f.code.length));
    for (const f of list) {
      const sev = f.severity === 'error' ? c.red('error  ') : c.yellow('warning');
      const subject = what(f);
      out.push(
        `  ${`${f.line}:${f.col}`.padEnd(posWidth)}  ${sev}  ${f.code.padEnd(codeWidth)}  ${subject ? `${c.bold(subject)}: ` : ''}${f.message}${f.source === 'recorded' ? c.dim(' (recorded shape)') : ''}`,
      );
      if (f.fix) out.push(`  ${' '.repeat(posWidth)}  ${' '.repeat(7)}  ${' '.repeat(codeWidth)}  ${c.dim(`fix: ${f.fix}`)}`);
    }
    out.push('');
  }
  if (r.missingIndexes.length) {
    out.push(c.bold('Indexes that would fix errors:'));
    for (const m of r.missingIndexes)
      out.push(
        `  ${indexText(m)} fixes ${plural(m.queries, 'query').replace('querys', 'queries')}${m.targets.length ? c.dim(` (${m.targets.join(', ')})`) : ''}`,
      );
    out.push('');
  }
  // Where each code found is explained: the diagnostics table's docs anchor, once per code.
  const codes = [...new Set(r.findings.map((f) => f.code))].filter(isDiagnosticCode).sort();
  if (codes.length) {
    out.push(c.bold('What the codes mean:'));
    const width = Math.max(...codes.map((code) => code.length));
    for (const code of codes) out.push(`  ${code.padEnd(width)}  ${c.dim(DIAGNOSTICS[code].docs)}`);
    out.push('');
  }
  const scope = `${plural(r.sites, 'query site')} in ${plural(r.files, 'file')}, targets: ${r.targets.join(', ')}`;
  const recorded = r.recorded.entries ? `; ${plural(r.recorded.distinct, 'recorded shape')} beyond the static ones` : '';
  const suppressed = r.suppressed.length ? `; ${r.suppressed.length} suppressed` : '';
  if (r.errorCount === 0 && r.warningCount === 0) out.push(c.green(`✔ no problems`) + ` (${scope}${recorded}${suppressed})`);
  else {
    const counts = `${plural(r.errorCount, 'error')}, ${plural(r.warningCount, 'warning')}`;
    out.push(`${r.errorCount ? c.red('✖') : c.yellow('!')} ${c.bold(counts)} (${scope}${recorded}${suppressed})`);
  }
  return out.join('\n') + '\n';
}
