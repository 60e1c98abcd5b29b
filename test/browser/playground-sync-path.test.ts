import { describe, expect, it } from 'vitest';
import { startGateway } from '../support/gateway.js';
import { documentedApp } from '../sync-path/fixtures/documented-app.js';
import { openPage } from './browser.js';

describe('the playground on a cached and batched endpoint', () => {
  it('shows a cached and a batched badge that explain themselves, and none on a plain endpoint', async () => {
    await using gateway = await startGateway({ apps: [documentedApp] });
    await using browser = await openPage(gateway.url);
    const { page } = browser;
    try {
      await page.goto(`${gateway.url}/?app=test/documented`);
      const cache = page.locator('[data-endpoint="test/documented"] [data-testid=badge-cache]');
      const batch = page.locator('[data-endpoint="test/documented"] [data-testid=badge-batch]');
      await cache.waitFor();
      expect(await cache.textContent()).toBe('cached 30 s');
      expect(await cache.getAttribute('title')).toContain('x-sluice-cache');
      expect(await cache.getAttribute('title')).toContain('never cached');
      expect(await batch.textContent()).toBe('batched ≤ 16');
      expect(await batch.getAttribute('title')).toContain('at most 5 ms');
      expect(await cache.isVisible()).toBe(true);
      expect(await batch.isVisible()).toBe(true);
      await browser.screenshot('playground-sync-path-badges');

      await page.goto(`${gateway.url}/?app=test/documented&path=/plain`);
      await page.locator('[data-endpoint="test/documented/plain"]').waitFor();
      expect(await page.locator('[data-testid=sync-path-badges]').count()).toBe(0);
      expect(browser.foreignRequests).toEqual([]);
    } finally {
      await browser.screenshot('playground-sync-path');
    }
  });
});
