// Headless Chromium for the HTML report tests: Debian's `chromium` package (installed by
// .ci/run), driven by playwright-core, which downloads no browser of its own. A missing
// Chromium fails the tests with the way to install it, never skips them.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = process.env.FLUX_TRITON_CHROMIUM ?? '/usr/bin/chromium';

// Playwright adds --headless and --user-data-dir itself (launchPersistentContext with a
// fresh directory); the rest keep the browser from reaching out on its own.
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}: the HTML report's browser tests need it. ` +
        "Install Debian's package (apt-get update && apt-get install -y chromium, as .ci/run does) or set FLUX_TRITON_CHROMIUM to a Chromium binary.",
    );
  }
  const profile = mkdtempSync(path.join(tmpdir(), 'flux-chromium-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 1600 },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
