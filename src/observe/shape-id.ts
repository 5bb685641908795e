import { createHash } from 'node:crypto';
import type { Plan } from '../plan/plan.js';

const ids = new WeakMap<Plan, string>();

/**
 * A short, stable name for a query shape (the shape itself is value-free but long): the span
 * attribute `quern.shape.id`, the metric attribute and the `shapeId` of recorded shapes.
 * Hashed once per cached plan.
 */
export function shapeId(plan: Plan): string {
  let id = ids.get(plan);
  if (id === undefined) {
    id = shapeIdOf(plan.shape);
    ids.set(plan, id);
  }
  return id;
}

export const shapeIdOf = (shape: string) => createHash('sha256').update(shape).digest('hex').slice(0, 16);
