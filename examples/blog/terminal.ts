/**
 * Terminal output for the demo: a progress line while a slow step runs, and
 * line wrapping so long SQL stays readable in any window.
 */
const tty = process.stdout.isTTY === true;

export const bold = (s: string) => (tty ? `\x1b[1m${s}\x1b[0m` : s);
export const dim = (s: string) => (tty ? `\x1b[2m${s}\x1b[0m` : s);

/** The terminal's width, or 100 columns when the output is a pipe or a file. */
export function outputWidth(): number {
  return tty && process.stdout.columns ? Math.max(40, process.stdout.columns) : 100;
}

/**
 * Wraps one line at spaces so no piece is wider than `width`. Continuation lines
 * keep the line's indentation plus its list marker ("1. "), so a wrapped plan step
 * still reads as one step.
 */
export function wrapLine(line: string, width = outputWidth()): string[] {
  if (line.length <= width) return [line];
  const lead = /^(\s*(?:\d+\.\s+)?)/.exec(line)![1];
  const hang = ' '.repeat(Math.min(lead.length + 2, Math.floor(width / 2)));
  const out: string[] = [];
  let current = lead;
  let atStart = true;
  for (const word of line.slice(lead.length).split(' ')) {
    if (!atStart && current.length + 1 + word.length > width) {
      out.push(current);
      current = hang;
      atStart = true;
    }
    current += atStart ? word : ` ${word}`;
    atStart = false;
    // A single token wider than the line (a cursor, a long identifier) is cut hard.
    while (current.length > width) {
      out.push(current.slice(0, width));
      current = hang + current.slice(width);
    }
  }
  out.push(current);
  return out;
}

export function wrap(text: string, width = outputWidth()): string {
  return text
    .split('\n')
    .flatMap((l) => wrapLine(l, width))
    .join('\n');
}

/**
 * Runs `work` with a progress indicator: an animated spinner on a terminal, one
 * plain line otherwise (logs and CI have no use for carriage returns). Ends with
 * how long it took, so a slow start is visible rather than a silent pause.
 */
export async function withProgress<T>(label: string, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  let timer: NodeJS.Timeout | undefined;
  if (tty) {
    let i = 0;
    const draw = () => process.stdout.write(`\r${frames[i++ % frames.length]} ${label}… ${dim(`${((Date.now() - started) / 1000).toFixed(1)}s`)}`);
    draw();
    timer = setInterval(draw, 80);
  } else {
    console.log(`${label}…`);
  }
  try {
    const result = await work();
    const took = `${((Date.now() - started) / 1000).toFixed(1)}s`;
    if (tty) process.stdout.write(`\r\x1b[2K✔ ${label} ${dim(took)}\n`);
    else console.log(`done: ${label} (${took})`);
    return result;
  } catch (e) {
    if (tty) process.stdout.write(`\r\x1b[2K✘ ${label}\n`);
    throw e;
  } finally {
    if (timer) clearInterval(timer);
  }
}
