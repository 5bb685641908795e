/**
 * Shapes recorded from running code (`recordShapes: { file, sample }`, or `QUERN_RECORD=file` with
 * every query): one JSON line per sampled query, the format docs/observability.md fixes (v 1),
 * read by `quern lint --shapes` and `quern studio`. Shapes are value-free by construction.
 */
import { appendFileSync } from 'node:fs';
import { ValidationError } from '../errors.js';
import type { DriverName } from '../plan/capabilities.js';
import type { Plan } from '../plan/plan.js';
import { shapeId } from './shape-id.js';

export interface RecordShapesOptions {
  /** The JSON-lines file appended to. */
  readonly file: string;
  /** Fraction of queries recorded, 0 to 1 (default 1: every query). */
  readonly sample?: number;
}

/** What one recorded query cost; null for the items of a db.batch (their requests are shared). */
export interface RecordedCost {
  readonly durationMs: number | null;
  readonly requests: number | null;
  readonly rows: number | null;
}

export class ShapeRecorder {
  private failed = false;

  constructor(
    readonly file: string,
    readonly sample: number,
  ) {}

  static from(opt: RecordShapesOptions | undefined, env: string | undefined): ShapeRecorder | undefined {
    if (opt === undefined) return env ? new ShapeRecorder(env, 1) : undefined;
    if (typeof opt !== 'object' || opt === null || typeof opt.file !== 'string' || !opt.file)
      throw new ValidationError('createClient.recordShapes.file', 'expected the path of the file to append recorded shapes to');
    const sample = opt.sample ?? 1;
    if (typeof sample !== 'number' || !(sample >= 0 && sample <= 1))
      throw new ValidationError('createClient.recordShapes.sample', 'expected a fraction of queries between 0 and 1');
    return new ShapeRecorder(opt.file, sample);
  }

  /** Decided when the query is created, so the call site is captured only for sampled queries. */
  sampled(): boolean {
    return this.sample >= 1 || Math.random() < this.sample;
  }

  record(driver: DriverName, model: string, method: string, plan: Plan, site: string | undefined, cost: RecordedCost, outcome: string): void {
    const line = JSON.stringify({
      v: 1,
      at: new Date().toISOString(),
      driver,
      model,
      method,
      shape: plan.shape,
      shapeId: shapeId(plan),
      site: site ?? null,
      ...cost,
      outcome,
    });
    try {
      appendFileSync(this.file, line + '\n');
    } catch (e) {
      // Recording is a diagnostic aid; it must never break the query itself. Said once.
      if (!this.failed)
        process.emitWarning(`quern: cannot append recorded shapes to ${this.file}: ${e instanceof Error ? e.message : e}`, { code: 'QUERN_RECORD_SHAPES' });
      this.failed = true;
    }
  }
}

/** `ok`, the code of the diagnostic that refused the query, or the error class. */
export function outcomeOf(error: unknown): string {
  if (error === undefined) return 'ok';
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.constructor.name : typeof error;
}
