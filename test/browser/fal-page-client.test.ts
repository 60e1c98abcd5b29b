import { describe, expect, it } from 'vitest';
import { falSteps, plainSteps } from '../dialects/dialect-apps.js';
import { FAL_PAGE_CLIENT } from '../dialects/reference-clients.js';
import { startGateway } from '../support/gateway.js';
import { openPage, type BrowserPage } from './browser.js';

const FAL_PAGE_URL = 'https://your-app.fal.run/stream';

/** Runs the fal page's client, as printed, in the page: its fetch of fal's URL goes to `target`. */
function runInChromium(browser: BrowserPage, target: string): Promise<string[]> {
  return browser.page.evaluate(
    async ({ code, falUrl, target }) => {
      const lines: string[] = [];
      const redirected: typeof fetch = (input, init) =>
        fetch(input === falUrl ? target : input, init);
      type Body = (
        fetch: typeof redirected,
        console: { log: (line: string) => void },
      ) => Promise<void>;
      const AsyncFunction = (
        Object.getPrototypeOf(async function () {}) as { constructor: unknown }
      ).constructor as new (...parameters: string[]) => Body;
      await new AsyncFunction('fetch', 'console', code)(redirected, {
        log: (line) => lines.push(line),
      });
      return lines;
    },
    { code: FAL_PAGE_CLIENT, falUrl: FAL_PAGE_URL, target },
  );
}

const twentySteps = Array.from(
  { length: 20 },
  (_, index) => `Step ${index + 1}: ${((index + 1) / 20) * 100}%`,
);

describe('the fal page’s browser client, verbatim, in Chromium', () => {
  it('reads the progress and the result in the data dialect, by default and by query', async () => {
    await using gateway = await startGateway({ apps: [plainSteps, falSteps] });
    await using browser = await openPage(gateway.url);
    await browser.page.goto(`${gateway.url}/apps`);
    for (const target of ['/demo/fal-steps/stream', '/demo/steps/stream?dialect=data']) {
      const lines = await runInChromium(browser, `${gateway.url}${target}`);
      // The last frame is the result, which has no step: the page's client logs it all the same.
      expect(lines.at(-1), target).toBe('Step undefined: NaN%');
      const progress = lines.slice(0, -1);
      // A reader that falls behind may skip superseded progress; never the last, never out of order.
      expect(progress.at(-1)).toBe(twentySteps.at(-1));
      const positions = progress.map((line) => twentySteps.indexOf(line));
      expect(positions.every((position, index) => position > (positions[index - 1] ?? -1))).toBe(
        true,
      );
    }
    expect(browser.foreignRequests).toEqual([]);
    expect(browser.console.filter((line) => line.startsWith('pageerror'))).toEqual([]);
  });

  it('parses nothing from the sluice dialect', async () => {
    await using gateway = await startGateway({ apps: [plainSteps] });
    await using browser = await openPage(gateway.url);
    await browser.page.goto(`${gateway.url}/apps`);
    expect(await runInChromium(browser, `${gateway.url}/demo/steps/stream`)).toEqual([]);
  });
});
