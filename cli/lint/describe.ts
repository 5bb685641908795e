/** A plan operation as one line of text: what `explain` prints and the studio shows. */
import type { TargetDescriptor } from '../../src/plan/target.js';
import type { Plan } from '../../src/plan/plan.js';

export function describeOp(desc: TargetDescriptor, op: Plan['operations'][number]): string {
  try {
    return desc.describe(op);
  } catch (e) {
    // A description is a courtesy: never let it hide the plan's diagnostics.
    return `${op.kind} (${e instanceof Error ? e.message : String(e)})`;
  }
}
