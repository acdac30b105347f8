/**
 * Headless Chromium for the browser suite: Debian's package driven by playwright-core (no browser
 * download). When it is missing the suite is skipped loudly, unless WASM_LAYERS_REQUIRE_BROWSER=1
 * (set by .ci/run), which turns the skip into a failure.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Whether the browser suite can run; warns (or throws when required) if not. */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  const message = `Chromium not found at ${CHROMIUM_PATH}: the browser suite is SKIPPED. Install it (apt-get install -y chromium) or set CHROMIUM_PATH.`;
  if (process.env.WASM_LAYERS_REQUIRE_BROWSER === '1') throw new Error(`${message} (WASM_LAYERS_REQUIRE_BROWSER=1 makes this a failure)`);
  console.warn(`\n${'!'.repeat(100)}\n!! ${message}\n${'!'.repeat(100)}\n`);
  return false;
}

/** A fresh headless Chromium profile; close() removes it. */
export async function launch(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'wasm-layers-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
