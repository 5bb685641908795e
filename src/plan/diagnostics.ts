import type { DriverName, TargetName } from './capabilities.js';

/** The public contract of diagnostic codes (design.md section 3). */
export type DiagnosticCode =
  | 'scan-required'
  | 'order-unsupported'
  | 'operator-unsupported'
  | 'relation-filter-unsupported'
  | 'interactive-transaction-unsupported'
  | 'batch-too-large'
  | 'batch-item-unsupported'
  | 'count-requires-scan'
  | 'index-missing'
  | 'offset-emulated'
  | 'fanout'
  | 'fold-too-large'
  | 'unanalyzable-query'
  | 'key-too-wide'
  | 'n-plus-one';

export const DIAGNOSTIC_SEVERITY: Readonly<Record<DiagnosticCode, 'error' | 'warning'>> = {
  'scan-required': 'error',
  'order-unsupported': 'error',
  'operator-unsupported': 'error',
  'relation-filter-unsupported': 'error',
  'interactive-transaction-unsupported': 'error',
  'batch-too-large': 'error',
  'batch-item-unsupported': 'error',
  'count-requires-scan': 'error',
  'index-missing': 'error',
  'offset-emulated': 'warning',
  fanout: 'warning',
  'fold-too-large': 'error',
  'unanalyzable-query': 'warning',
  'key-too-wide': 'error',
  'n-plus-one': 'warning',
};

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
