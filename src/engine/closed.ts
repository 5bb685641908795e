/**
 * A driver's executor that refuses to run once the driver is closed. Several clients may share
 * one driver; after any of them closes it, none may reach the database (the AWS SDK would even
 * reconnect and run the query as if nothing happened).
 */
import { ClientClosedError } from '../errors.js';
import type { Executor } from './driver.js';

export function refuseWhenClosed(inner: Executor, isClosed: () => boolean, driver: string): Executor {
  // Not async functions: an async function returning the inner promise settles through a
  // thenable job, two more microtask hops and a promise on every query. A refusal or a synchronous
  // throw is still a rejection, as before.
  const guarded = <T>(run: () => Promise<T>): Promise<T> => {
    if (isClosed()) return Promise.reject(new ClientClosedError(driver));
    try {
      return run();
    } catch (e) {
      return Promise.reject(e);
    }
  };
  return {
    run: (q, ctx) => {
      if (isClosed()) return Promise.reject(new ClientClosedError(driver));
      try {
        return inner.run(q, ctx);
      } catch (e) {
        return Promise.reject(e);
      }
    },
    batch: (items, ctx, guards) => guarded(() => inner.batch(items, ctx, guards)),
    transaction: (fn, ctx) => guarded(() => inner.transaction(fn, ctx)),
  };
}
