import { launchChromium, type ChromiumPage } from '../browser-support/chromium.js';

export type { ChromiumPage as BrowserPage } from '../browser-support/chromium.js';

/** Options of `expect.poll` in browser tests: the default second is short on a loaded machine. */
export const POLL = { timeout: 10_000, interval: 50 };

/**
 * Opens the playground's browser: a large viewport, and every request to another origin
 * than the server's recorded, so a test can check that the page works offline.
 *
 * @example
 * await using browser = await openPage(gateway.url);
 * await browser.page.goto(gateway.url);
 */
export function openPage(allowedOrigin: string): Promise<ChromiumPage> {
  return launchChromium({
    allowedOrigin,
    viewport: { width: 1280, height: 900 },
    timeoutMs: 10_000,
  });
}
