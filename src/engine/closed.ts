/**
 * A driver's executor that refuses to run once the driver is closed. Several clients may share
 * one driver; after any of them closes it, none may reach the database (the AWS SDK would even
 * reconnect and run the query as if nothing happened).
 */
import { ClientClosedError } from '../errors.js';
import type { Executor } from './driver.js';

export function refuseWhenClosed(inner: Executor, isClosed: () => boolean, driver: string): Executor {
  const open = () => {
    if (isClosed()) throw new ClientClosedError(driver);
  };
  return {
    run: async (q, ctx) => (open(), inner.run(q, ctx)),
    batch: async (items, ctx, guards) => (open(), inner.batch(items, ctx, guards)),
    transaction: async (fn, ctx) => (open(), inner.transaction(fn, ctx)),
  };
}
