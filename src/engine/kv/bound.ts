/**
 * The fan-out bound: how many requests one fan-out point of a KV query may send (the Queries of
 * a partition `in`, the BatchGetItem chunks of a key list, the per-parent Queries of an include).
 * The `fanout` warning says a query is several requests; the bound refuses one that would be
 * unboundedly many (an `in` of 100,000 partition values was 100,000 Queries and two minutes)
 * before any of them is sent. Raise or lift it with createClient({ maxFanout }).
 */
import { CapabilityError } from '../../errors.js';
import type { RunCtx } from './context.js';

/** Requests one fan-out point may send unless the client raises the bound. */
export const DEFAULT_MAX_FANOUT = 1_000;

export function checkFanout(x: RunCtx, model: string, requests: number, what: string): void {
  const max = x.maxFanout ?? DEFAULT_MAX_FANOUT;
  if (requests <= max) return;
  throw new CapabilityError(
    'fanout',
    'dynamodb',
    `${what} would send ${requests} requests; the fan-out bound is ${max} per query step, so nothing was sent`,
    `narrow the list (at most ${max} requests), add an index whose partition the filter fixes by equality, or raise the bound: createClient({ ..., maxFanout: ${requests} })`,
    x.schema.models[model]?.name ?? model,
  );
}
