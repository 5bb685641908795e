// Child-process plumbing shared by the local server starters.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { Writable } from 'node:stream';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Rejects with `what` if `promise` has not settled within `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(what)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits for `promise` at most `ms`, without a timer that keeps the process alive afterwards. */
export async function atMost(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([promise.catch(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Asks the kernel for a free TCP port. Racy by nature, so starters retry on a bind failure. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Resolves true when the child exited within `ms`, false otherwise. */
export function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (hasExited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Polite signal, then SIGKILL if the process lingers: teardown must never hang the test run. */
export async function terminate(child: ChildProcess, signal: NodeJS.Signals, graceMs = 10_000): Promise<void> {
  if (hasExited(child)) return;
  child.kill(signal);
  if (!(await waitForExit(child, graceMs))) {
    child.kill('SIGKILL');
    await waitForExit(child, 5_000);
  }
}

/**
 * Keeps what a server printed, for error messages when it fails to start: the first lines (where
 * a Java exception names its cause) and the last ones (where PostgreSQL says why it stopped).
 */
export class OutputTail {
  private head: string[] = [];
  private tail: string[] = [];
  private dropped = 0;
  private seen = '';
  constructor(
    private readonly headMax = 10,
    private readonly tailMax = 20,
  ) {}
  push = (chunk: unknown): void => {
    const text = chunk instanceof Error ? chunk.message : String(chunk);
    if (this.seen.length < 256_000) this.seen += text;
    for (const line of text.split(/\r?\n/)) {
      if (line.trim() === '') continue;
      if (this.head.length < this.headMax) this.head.push(line);
      else {
        this.tail.push(line);
        if (this.tail.length > this.tailMax) {
          this.tail.shift();
          this.dropped++;
        }
      }
    }
  };
  attach(child: ChildProcess): void {
    child.stdout?.on('data', this.push);
    child.stderr?.on('data', this.push);
  }
  /** Anywhere in the output so far, not only in the kept lines. */
  includes(text: string): boolean {
    return this.seen.includes(text);
  }
  toString(): string {
    const lines = [...this.head, ...(this.dropped ? [`[... ${this.dropped} lines ...]`] : []), ...this.tail];
    return lines.length ? `\n    output:\n      ${lines.join('\n      ')}` : '';
  }
}

// Teardown normally stops every server. This guard covers a parent that dies without running
// it: a `process.on('exit')` hook handles process.exit(), and a watchdog shell handles SIGKILL,
// where no JavaScript runs at all: its stdin (our pipe) reaches EOF, and it then signals the
// registered pids, waits up to 10 s, SIGKILLs stragglers and removes the registered directories.
// It ignores INT/TERM/HUP so that a Ctrl-C to the whole process group does not take it down first.
const WATCHDOG = `
trap '' INT TERM HUP
pids=''
dirs=''
nl='
'
while IFS= read -r line; do
  case $line in
    "pid "*) pids="$pids \${line#pid }" ;;
    "dir "*) dirs="$dirs\${line#dir }$nl" ;;
  esac
done
for t in $pids; do kill -"\${t%%:*}" "\${t#*:}" 2>/dev/null; done
i=0
while [ $i -lt 100 ]; do
  alive=''
  for t in $pids; do kill -0 "\${t#*:}" 2>/dev/null && alive=1; done
  [ -z "$alive" ] && break
  sleep 0.1
  i=$((i + 1))
done
for t in $pids; do kill -KILL "\${t#*:}" 2>/dev/null; done
printf '%s' "$dirs" | while IFS= read -r d; do [ -n "$d" ] && rm -rf -- "$d"; done
exit 0
`;

export class ProcessGuard {
  private watchdog: ChildProcess | undefined;
  private readonly pids = new Map<number, 'INT' | 'TERM'>();
  private readonly onExit = () => {
    for (const [pid, signal] of this.pids) {
      try {
        process.kill(pid, `SIG${signal}`);
      } catch {
        // already gone
      }
    }
  };

  constructor() {
    process.on('exit', this.onExit);
  }

  /** `signal` is the one that shuts the server down quickly: INT for postgres, TERM for java. */
  pid(pid: number | undefined, signal: 'INT' | 'TERM'): void {
    if (pid === undefined) return;
    this.pids.set(pid, signal);
    this.send(`pid ${signal}:${pid}`);
  }

  forget(pid: number | undefined): void {
    if (pid !== undefined) this.pids.delete(pid);
    // The watchdog keeps the pid; it only acts if we die, and then a stale kill is harmless.
  }

  dir(path: string): void {
    if (!path.includes('\n')) this.send(`dir ${path}`);
  }

  /** After an orderly teardown: SIGKILL so that the watchdog does nothing. */
  dispose(): void {
    process.off('exit', this.onExit);
    this.pids.clear();
    if (this.watchdog && !hasExited(this.watchdog)) this.watchdog.kill('SIGKILL');
    this.watchdog = undefined;
  }

  private send(line: string): void {
    if (!this.watchdog) {
      const child = spawn('/bin/sh', ['-c', WATCHDOG], { stdio: ['pipe', 'ignore', 'ignore'] });
      child.on('error', () => undefined); // no /bin/sh: the exit hook still covers the common case
      child.stdin?.on('error', () => undefined);
      child.unref();
      (child.stdin as (Writable & { unref?: () => void }) | null)?.unref?.();
      this.watchdog = child;
    }
    this.watchdog.stdin?.write(`${line}\n`);
  }
}
