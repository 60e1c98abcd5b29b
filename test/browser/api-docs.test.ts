import { describe, expect, it } from 'vitest';
import textApp from '../../examples/text.js';
import { startGateway } from '../support/gateway.js';
import { POLL, openPage } from './browser.js';

describe('the API docs page', () => {
  it('renders every operation of /openapi.json with the input schema, offline', async () => {
    await using gateway = await startGateway({ apps: [textApp] });
    await using browser = await openPage(gateway.url);
    const { page } = browser;
    try {
      await page.goto(`${gateway.url}/docs`);
      const operations = page.locator('[data-testid=api-docs] [data-operation]');
      await expect
        .poll(
          () =>
            operations.evaluateAll((nodes) =>
              nodes.map((node) => node.getAttribute('data-operation')),
            ),
          POLL,
        )
        .toEqual(
          expect.arrayContaining([
            'POST /demo/text',
            'POST /demo/text/stream',
            'GET /demo/text/requests/{request_id}/stream',
          ]),
        );
      const stream = page.locator('[data-operation="POST /demo/text/stream"]');
      // The request body's table (the response's event tables follow it).
      const rows = await stream
        .locator('.media')
        .first()
        .locator('.schema-table > tbody > tr > td:first-child')
        .allTextContents();
      expect(rows).toEqual(['prompt', 'max_tokens', 'temperature', 'seed', 'tokens_per_second']);
      // The stream view's parameters name the wire dialects.
      expect(await stream.textContent()).toContain('dialect');
      expect(await stream.textContent()).toContain('Tokens to generate');
      expect(await stream.textContent()).toContain('≤ 1000');
      expect(browser.foreignRequests).toEqual([]);
    } finally {
      await browser.screenshot('api-docs');
    }
  });
});
