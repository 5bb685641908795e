// `quern studio` without a browser: its flags are checked before anything starts, and the live
// stats read a recording as the app writes it (a line cut off mid-write, lines from older versions).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../cli/main.js';
import { readStats } from '../../cli/studio/stats.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'quern-studio-cmd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function quern(...args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    return { code: await run(['node', 'quern', '--config', ROOT, ...args]), stderr };
  } finally {
    err.mockRestore();
  }
}

describe('quern studio flags', () => {
  it('refuses a bad port and more than one database to browse, exit 2, before serving anything', async () => {
    const port = await quern('studio', '--port', '70000');
    expect(port.code).toBe(2);
    expect(port.stderr).toMatch(/expected a port number 0-65535/);
    const targets = await quern('studio', '--target', 'postgres,dynamodb', '--port', '0');
    expect(targets).toEqual({ code: 2, stderr: 'quern: --target takes one database to browse; got postgres, dynamodb\n' });
    const unknown = await quern('studio', '--target', 'mongo', '--port', '0');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown target 'mongo'/);
  });
});

describe('live stats from a recording', () => {
  it('sums per site and shape, counts older lines, and skips a line cut off mid-write', () => {
    const file = join(dir, 'shapes.jsonl');
    const shape = '{"kind":"findUnique","model":"user"}';
    const site = `${join(dir, 'src', 'a.ts')}:3:9`;
    writeFileSync(
      file,
      [
        JSON.stringify({
          v: 1,
          at: '2026-12-02T09:00:00.000Z',
          driver: 'pglite',
          model: 'user',
          method: 'findUnique',
          shape,
          site,
          durationMs: 1,
          requests: 1,
          rows: 1,
          outcome: 'ok',
        }),
        JSON.stringify({
          v: 1,
          at: '2026-12-02T09:00:02.000Z',
          driver: 'dynamodb',
          model: 'user',
          method: 'findUnique',
          shape,
          site,
          durationMs: 3,
          requests: 2,
          rows: 0,
          outcome: 'NotFoundError',
        }),
        JSON.stringify({ model: 'user', method: 'findUnique', shape, site }),
        '{"v":1,"model":"user","meth',
      ].join('\n'),
    );
    const stats = readStats(file, dir);
    expect(stats).toMatchObject({ exists: true, lines: 4, skipped: 1 });
    expect(stats.shapes).toEqual([
      {
        site: 'src/a.ts:3',
        model: 'user',
        method: 'findUnique',
        shape,
        shapeId: null,
        drivers: ['dynamodb', 'pglite'],
        count: 3,
        avgMs: 2,
        maxMs: 3,
        requests: 3,
        rows: 1,
        outcomes: { ok: 2, NotFoundError: 1 },
        lastAt: '2026-12-02T09:00:02.000Z',
      },
    ]);
    expect(readStats(join(dir, 'not-yet.jsonl'), dir)).toMatchObject({ exists: false, shapes: [] });
    expect(readStats(null, dir)).toMatchObject({ file: null, exists: false });
  });
});
