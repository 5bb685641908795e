/**
 * Progress for long work (applying migrations, GSI builds, backfills): a bar on
 * a terminal (cli-progress), plain lines otherwise, so CI logs stay readable.
 */
import cliProgress from 'cli-progress';

export interface Task {
  /** `done` of `total` units (items, statements); total may be unknown. `detail` is a short status. */
  update(done: number, total?: number, detail?: string): void;
  finish(detail?: string): void;
}

export interface Progress {
  info(line: string): void;
  warn(line: string): void;
  task(label: string, total?: number): Task;
}

/** Discards everything: for programmatic use and tests that do not look at output. */
export const silentProgress: Progress = {
  info() {},
  warn() {},
  task: () => ({ update() {}, finish() {} }),
};

/** Collects lines (tests, and callers that render output themselves). */
export function collectingProgress(lines: string[]): Progress {
  return {
    info: (l) => lines.push(l),
    warn: (l) => lines.push(`warning: ${l}`),
    task: (label) => ({ update() {}, finish: (d) => lines.push(`${label}: ${d ?? 'done'}`) }),
  };
}

export function isInteractive(stream: NodeJS.WriteStream = process.stderr): boolean {
  return !!stream.isTTY && !isCI();
}

export function isCI(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

/** Plain lines: one at the start, at most one every few seconds, one at the end. */
export function lineProgress(stream: NodeJS.WritableStream = process.stderr, everyMs = 5000): Progress {
  const write = (l: string) => stream.write(l + '\n');
  return {
    info: write,
    warn: (l) => write(`warning: ${l}`),
    task(label, total) {
      let last = Date.now();
      write(`${label}…`);
      return {
        update(done, t = total, detail) {
          const now = Date.now();
          if (now - last < everyMs) return;
          last = now;
          write(`${label}: ${t ? `${done}/${t}` : `${done}`}${detail ? ` (${detail})` : ''}`);
        },
        finish(detail) {
          write(`${label}: ${detail ?? 'done'}`);
        },
      };
    },
  };
}

/** A bar per running task; narrative lines are printed above the bars. */
export function barProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  const multi = new cliProgress.MultiBar({
    stream,
    format: ' {bar} {label} {value}/{total} {detail}',
    hideCursor: true,
    clearOnComplete: false,
    stopOnComplete: false,
    barsize: 24,
    fps: 8,
    autopadding: true,
  }, cliProgress.Presets.shades_classic);
  let active = 0;
  const log = (l: string) => (active > 0 ? multi.log(l + '\n') : stream.write(l + '\n'));
  return {
    info: log,
    warn: (l) => log(`warning: ${l}`),
    task(label, total) {
      active++;
      const bar = multi.create(total ?? 1, 0, { label, detail: '' });
      let closed = false;
      return {
        update(done, t, detail) {
          if (t !== undefined) bar.setTotal(Math.max(t, 1));
          bar.update(done, { label, detail: detail ?? '' });
        },
        finish(detail) {
          if (closed) return;
          closed = true;
          bar.stop();
          multi.remove(bar);
          active--;
          if (active === 0) multi.stop();
          // The bar goes; a plain line stays in the scrollback.
          log(`${label}: ${detail ?? 'done'}`);
        },
      };
    },
  };
}

export function defaultProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  return isInteractive(stream) ? barProgress(stream) : lineProgress(stream);
}
