import { describe, expect, it } from 'vitest';
import textApp from '../../examples/text.js';
import { startGateway } from '../support/gateway.js';
import { openPage } from './browser.js';

describe('the playground on a server with API keys', () => {
  it('lists the apps without a key and runs with the key entered in the header', async () => {
    await using gateway = await startGateway({ apps: [textApp], apiKeys: ['playground-key'] });
    await using browser = await openPage(gateway.url);
    const { page } = browser;
    try {
      await page.goto(`${gateway.url}/?app=demo/text`);
      await page.fill('#field-max_tokens', '3');
      await page.fill('#field-tokens_per_second', '0');
      await page.click('[data-testid=run]');
      await page.locator('[data-testid=status][data-state=failed]').waitFor();
      expect(await page.locator('[data-testid=status]').textContent()).toContain('Send an API key');

      const curl = page.locator('[data-snippet=curl] code');
      expect(await curl.textContent()).not.toContain('Authorization');
      await page.fill('[aria-label="API key"]', 'playground-key');
      expect(await curl.textContent()).toContain('-H "Authorization: Key $SLUICE_API_KEY"');
      await page.click('[data-testid=run]');
      await page.locator('[data-testid=status][data-state=completed]').waitFor();
      expect(await page.locator('[data-testid=result-json]').textContent()).toContain(
        '"tokens": 3',
      );
    } finally {
      await browser.screenshot('playground-api-key');
    }
  });
});
