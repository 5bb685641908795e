/**
 * Headless Chromium for the studio's tests: Debian's `chromium` package driven by playwright-core
 * (which downloads no browser of its own). One browser per test file; a fresh, empty profile.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { chromiumRequired } from '../harness/index.js';

/** QUERN_CHROMIUM points at another build; the default is Debian's package. */
export const CHROMIUM_PATH = process.env.QUERN_CHROMIUM ?? '/usr/bin/chromium';

/** Why the browser tests cannot run here (null: they can). Under CI or QUERN_REQUIRE=chromium that is a failure, not a skip. */
export function chromiumMissing(): string | null {
  if (existsSync(CHROMIUM_PATH)) return null;
  return `no Chromium at ${CHROMIUM_PATH}: install it with \`apt-get install -y chromium\` (or set QUERN_CHROMIUM)`;
}

export { chromiumRequired };

export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'quern-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    viewport: { width: 1280, height: 860 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    async close() {
      try {
        await context.close();
      } finally {
        rmSync(profile, { recursive: true, force: true });
      }
    },
  };
}
