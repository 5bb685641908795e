/**
 * What the key-value planner knows of its target: the driver name its
 * diagnostics carry and the capabilities it reads. Limits come from here, never
 * from literals, so a target with other limits plans correctly as it is.
 */
import type { Capabilities, DriverName } from '../capabilities.js';

export interface KvTarget {
  readonly driver: DriverName;
  readonly caps: Capabilities;
}

/** Keys per BatchGetItem request (a key-value target always declares its limit). */
export function batchGetChunk(caps: Capabilities): number {
  if (caps.maxBatchGet === null) throw new Error(`internal: key-value target ${caps.target} declares no maxBatchGet`);
  return caps.maxBatchGet;
}

/** Items one atomic transaction holds (a key-value target always declares its limit). */
export function atomicLimit(caps: Capabilities): number {
  if (caps.maxAtomicBatch === null) throw new Error(`internal: key-value target ${caps.target} declares no maxAtomicBatch`);
  return caps.maxAtomicBatch;
}
