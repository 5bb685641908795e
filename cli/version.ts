import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** quern's own version, from the package.json above this file (source or dist). */
export function quernVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const p = join(dir, 'package.json');
    if (existsSync(p)) {
      try {
        const pkg = JSON.parse(readFileSync(p, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === 'quern' && pkg.version) return pkg.version;
      } catch {
        // keep looking upward
      }
    }
    dir = dirname(dir);
  }
  return '0.0.0';
}
