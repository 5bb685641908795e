import type { DriverName, TargetName } from './capabilities.js';

/** What the one table says about a diagnostic code. */
export interface DiagnosticInfo {
  readonly severity: 'error' | 'warning';
  /**
   * When it is raised, in one line of Markdown. docs/queries.md's table shows exactly these rows
   * (test/docs.test.ts compares them), SARIF shows them as rule descriptions.
   */
  readonly summary: string;
  /** The guide section that explains it, `docs/<file>.md#<heading>`; that section names the code (checked by the docs test). */
  readonly docs: string;
  /** 'plan': plans, executors and the client raise it (the DiagnosticCode contract); 'lint': only `quern lint` does. */
  readonly by: 'plan' | 'lint';
}

const REFUSED = 'docs/dynamodb.md#what-runs-and-what-is-refused';
const LINT_CHECKS = 'docs/lint.md#checks-beyond-the-plan';

/**
 * Every diagnostic code, once: the public contract (design.md section 3) that tests, lint output,
 * SARIF and the docs use. Adding a code is a row here and its row in docs/queries.md.
 */
export const DIAGNOSTICS = {
  'scan-required': { severity: 'error', by: 'plan', docs: REFUSED, summary: 'no key or index can serve the filter and `allowScan` was not given' },
  'order-unsupported': { severity: 'error', by: 'plan', docs: REFUSED, summary: 'the order is not servable by the chosen access path' },
  'operator-unsupported': {
    severity: 'error',
    by: 'plan',
    docs: REFUSED,
    summary: 'an operator the target cannot evaluate (`endsWith`, insensitive mode on DynamoDB)',
  },
  'relation-filter-unsupported': {
    severity: 'error',
    by: 'plan',
    docs: REFUSED,
    summary: '`some` / `every` / `none` / `is` on a target without joins',
  },
  'interactive-transaction-unsupported': { severity: 'error', by: 'plan', docs: REFUSED, summary: '`db.transaction` on DynamoDB' },
  'batch-too-large': { severity: 'error', by: 'plan', docs: REFUSED, summary: "an atomic batch beyond the target's limit (100 on DynamoDB)" },
  'batch-item-unsupported': {
    severity: 'error',
    by: 'plan',
    docs: LINT_CHECKS,
    summary:
      'a query that cannot be an item of an atomic batch on DynamoDB: `createMany({ skipDuplicates })`, or a write whose rows earlier items of the batch change in a way DynamoDB cannot reproduce exactly',
  },
  'count-requires-scan': { severity: 'error', by: 'plan', docs: REFUSED, summary: 'count without a pinned partition on DynamoDB' },
  'index-missing': { severity: 'error', by: 'plan', docs: REFUSED, summary: 'a relation or access pattern with no index; the fix names the index' },
  'offset-emulated': { severity: 'warning', by: 'plan', docs: REFUSED, summary: 'offset done by reading and discarding' },
  fanout: { severity: 'warning', by: 'plan', docs: REFUSED, summary: 'one logical query becomes N requests' },
  'fold-too-large': {
    severity: 'error',
    by: 'plan',
    docs: REFUSED,
    summary: 'an `aggregate`, `groupBy` or `distinct` on DynamoDB would fold more than 100,000 items in the engine',
  },
  'key-too-wide': {
    severity: 'error',
    by: 'plan',
    docs: 'docs/relations.md#wider-keys',
    summary: 'a table key of more than two fields on DynamoDB (indexes and uniques may be wider)',
  },
  'n-plus-one': {
    severity: 'warning',
    by: 'plan',
    docs: 'docs/observability.md#the-n1-detector',
    summary: 'the same read shape ran more than N times in one tick or `db.$request` context: a loop that should be one query',
  },
  'unanalyzable-query': { severity: 'warning', by: 'plan', docs: LINT_CHECKS, summary: '(lint) a call whose arguments cannot be analysed statically' },
  'invalid-query': {
    severity: 'error',
    by: 'lint',
    docs: LINT_CHECKS,
    summary: '(lint) arguments the query builder always rejects: the query always throws `ValidationError`',
  },
  'unawaited-query': {
    severity: 'error',
    by: 'lint',
    docs: LINT_CHECKS,
    summary: '(lint) a query never awaited, returned or passed on: queries are lazy, so it never runs',
  },
  'suppression-without-reason': {
    severity: 'warning',
    by: 'lint',
    docs: 'docs/lint.md#suppressing-a-finding',
    summary: '(lint) a `quern-allow` comment that gives no reason',
  },
  'suppression-unknown-code': {
    severity: 'warning',
    by: 'lint',
    docs: 'docs/lint.md#suppressing-a-finding',
    summary: '(lint) a `quern-allow` comment naming a code quern does not have',
  },
} as const satisfies Readonly<Record<string, DiagnosticInfo>>;

type Table = typeof DIAGNOSTICS;
/** Every code in the table, including those only lint raises. */
export type AnyDiagnosticCode = keyof Table;
/** The codes plans, executors and the client raise (the public contract). */
export type DiagnosticCode = { [C in AnyDiagnosticCode]: Table[C]['by'] extends 'plan' ? C : never }[AnyDiagnosticCode];
/** Codes only `quern lint` emits (a query the builder always rejects, a lazy query never run, suppressions). */
export type LintOnlyCode = Exclude<AnyDiagnosticCode, DiagnosticCode>;

/** Each planner code's severity (derived from the table; public, so tests can list the contract). */
export const DIAGNOSTIC_SEVERITY: Readonly<Record<DiagnosticCode, 'error' | 'warning'>> = Object.fromEntries(
  Object.entries(DIAGNOSTICS as Readonly<Record<string, DiagnosticInfo>>)
    .filter(([, d]) => d.by === 'plan')
    .map(([code, d]) => [code, d.severity]),
) as Record<DiagnosticCode, 'error' | 'warning'>;

export function isDiagnosticCode(code: string): code is AnyDiagnosticCode {
  return Object.prototype.hasOwnProperty.call(DIAGNOSTICS, code);
}

export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: 'error' | 'warning';
  readonly driver: DriverName | TargetName;
  readonly model: string;
  readonly message: string;
  /** Concrete: the index to add, the option to pass, the operator to use instead. */
  readonly fix?: string;
  /** When the fix is an index: the model and fields, so lint can deduplicate suggestions. */
  readonly suggestedIndex?: { readonly model: string; readonly fields: readonly string[] };
}

export function diag(
  code: DiagnosticCode,
  driver: DriverName | TargetName,
  model: string,
  message: string,
  fix?: string,
  suggestedIndex?: Diagnostic['suggestedIndex'],
): Diagnostic {
  return { code, severity: DIAGNOSTIC_SEVERITY[code], driver, model, message, ...(fix ? { fix } : {}), ...(suggestedIndex ? { suggestedIndex } : {}) };
}
