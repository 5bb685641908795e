/** Where the user called a model method: the first stack frame outside quern itself. */
export function callSite(): string | undefined {
  const stack = new Error().stack?.split('\n').slice(1) ?? [];
  for (const frame of stack) {
    if (/[\\/](src|dist[\\/]src)[\\/](client|engine[\\/]query|observe[\\/][\w-]+)\.[jt]s/.test(frame) || frame.includes('node:internal')) continue;
    const m = /\(?((?:file:\/\/)?[^()\s]+):(\d+):(\d+)\)?\s*$/.exec(frame);
    if (m) return `${m[1].replace(/^file:\/\//, '')}:${m[2]}:${m[3]}`;
  }
  return undefined;
}
