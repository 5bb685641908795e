/**
 * Errors that point at the application. A query runs when it is awaited, and `await` calls
 * `then` from a microtask: an error raised before the query's first await (a ValidationError,
 * a CapabilityError) has only quern frames, ending in `Query.then`. Recording every query's
 * creation site would cost a stack capture (about 2 µs) on every query; instead nothing is
 * recorded and, only when a query fails, a stack is taken again after an `await`: V8 then
 * follows the promise chain back to the application's own `await` and lists it as an async
 * frame. The application's frames are moved to the top of the error's stack.
 */
import { fileURLToPath } from 'node:url';
import { QuernError } from '../errors.js';

// src/ and drivers/ when run from source, dist/src/ and dist/drivers/ when installed.
const QUERN_DIRS = [new URL('../', import.meta.url), new URL('../../drivers/', import.meta.url)].flatMap((u) => [u.href, fileURLToPath(u)]);

const pointed = new WeakSet<Error>();

/** A frame of the application: not quern's, not Node's, not a dependency's. */
export function isAppFrame(line: string): boolean {
  const frame = line.trim();
  // `at async Promise.all (index 0)` names no file.
  if (!frame.startsWith('at ') || !/:\d+:\d+\)?$/.test(frame)) return false;
  if (frame.includes('node:') || /[\\/]node_modules[\\/]/.test(frame) || frame.includes('<anonymous>)') || frame.endsWith('(native)')) return false;
  return !QUERN_DIRS.some((dir) => frame.includes(dir));
}

function splitStack(stack: string): { header: string; frames: string[] } {
  const lines = stack.split('\n');
  const first = lines.findIndex((l) => /^\s+at /.test(l));
  return first < 0 ? { header: stack, frames: [] } : { header: lines.slice(0, first).join('\n'), frames: lines.slice(first) };
}

/**
 * Rewrites `err.stack` so that it starts with the application's frames (the line that awaited
 * the query), followed by quern's own. Must be called from the failing query's async function,
 * whose promise the application awaits. Never throws; returns the same error.
 */
export async function pointAtCaller(err: unknown): Promise<unknown> {
  // Only quern's own errors: an application error passing through (a transaction callback's) keeps its stack.
  if (!(err instanceof QuernError) || pointed.has(err)) return err;
  pointed.add(err);
  try {
    const { header, frames } = splitStack(String(err.stack ?? ''));
    let app = frames.filter(isAppFrame);
    if (app.length === 0) {
      // After this await the current job is this async function's continuation, so the new
      // stack holds the async frames of whoever awaits it: the application's `await`.
      await null;
      const holder: { stack?: string } = {};
      Error.captureStackTrace(holder);
      app = splitStack(String(holder.stack ?? '')).frames.filter(isAppFrame);
    }
    if (app.length === 0) return err;
    const own = frames.filter((f) => !isAppFrame(f));
    err.stack = [header, ...app, ...own].join('\n');
  } catch {
    // The stack is a courtesy; the error itself must reach the caller unchanged.
  }
  return err;
}
