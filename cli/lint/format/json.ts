/** Machine-readable report: everything in LintResult except the per-site internals. */
import type { LintResult } from '../findings.js';

export function formatJson(r: LintResult): string {
  return (
    JSON.stringify(
      {
        version: 1,
        root: r.root,
        targets: r.targets,
        summary: {
          files: r.files,
          sites: r.sites,
          errors: r.errorCount,
          warnings: r.warningCount,
          suppressed: r.suppressed.length,
          recordedShapes: r.recorded,
        },
        findings: r.findings,
        suppressed: r.suppressed,
        missingIndexes: r.missingIndexes,
      },
      null,
      2,
    ) + '\n'
  );
}
