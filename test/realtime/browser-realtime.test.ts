import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { launchChromium } from '../browser-support/chromium.js';
import { startGateway } from '../support/gateway.js';
import { doubleApp } from './realtime-support.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const KEY = 'browser-realtime-key';

interface Seen {
  results: Record<string, unknown>[];
  errors: string[];
}
type PageWindow = Window & {
  falRealtime: (key: string, inputs: unknown[]) => Seen;
  sluiceRealtime: (key: string, inputs: unknown[]) => Seen;
  seen: Seen;
};

async function bundlePage(): Promise<string> {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: ['test/realtime/browser-page.ts'],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

describe('realtime in Chromium', { timeout: 120_000 }, () => {
  for (const client of ['falRealtime', 'sluiceRealtime'] as const) {
    it(`${client}: results and a validation error over one connection`, async () => {
      await using gateway = await startGateway({ apps: [doubleApp], apiKeys: [KEY] });
      const script = await bundlePage();
      await using chromium = await launchChromium();
      const { page } = chromium;
      // A document the gateway itself serves, so the page's origin is the gateway's (a page
      // Playwright fulfilled would count as public, and Chromium blocks its local sockets).
      await page.goto(`${gateway.url}/health`);
      await page.addScriptTag({ content: script });
      await page.waitForFunction((name) => name in window, client);
      await page.evaluate(
        ({ name, key }) => {
          const view = window as unknown as PageWindow;
          view.seen = view[name](key, [{ x: 1 }, { x: 'two' }, { x: 3 }]);
        },
        { name: client, key: KEY },
      );
      const seen = () => page.evaluate(() => (window as unknown as PageWindow).seen);
      await expect
        .poll(async () => (await seen()).results.length, { timeout: 20_000, interval: 50 })
        .toBe(2);
      const { results, errors } = await seen();
      expect(results.map((result) => result.doubled)).toEqual([2, 6]);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/^invalid_input: /);
      expect(chromium.console.filter((line) => line.startsWith('pageerror'))).toEqual([]);
      if (client === 'falRealtime') expect(results[0]).toHaveProperty('request_id');
    });
  }
});
