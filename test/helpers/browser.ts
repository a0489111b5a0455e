/**
 * Debian's Chromium for the browser tests, driven by playwright-core (no browser download), and
 * the built console they load. On a developer machine without Chromium the tests are skipped and
 * say why; on CI (.ci/run installs Chromium) they always run.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const WEB_DIR = `${REPO}dist/web`;
export const RESULTS_DIR = `${REPO}test-results`;

/** True when the browser tests named `what` must be skipped (and says so). */
export function skipBrowserTests(what: string): boolean {
  if (existsSync(CHROMIUM) || process.env['CI']) return false;
  console.warn(
    `${what} browser test skipped: ${CHROMIUM} is missing (apt install chromium); it always runs on CI`,
  );
  return true;
}

/** `npm test` builds first; a bare `vitest run` on a fresh checkout builds the console here. */
export async function ensureWebBuild(): Promise<void> {
  if (existsSync(`${WEB_DIR}/index.html`)) return;
  const { build } = await import('vite');
  await build({ configFile: `${REPO}web/vite.config.ts`, logLevel: 'warn' });
}

/** Headless, and without the background networking that hammers a closed network. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}
