import { describe, expect, it } from 'vitest';
import progressiveImageApp from '../../examples/progressive-image.js';
import textApp from '../../examples/text.js';
import { launchChromium } from '../browser-support/chromium.js';
import { startGateway } from '../support/gateway.js';

describe('/docs reads like documentation', { timeout: 60_000 }, () => {
  it('has a title, a table of contents, rendered markdown, typed queue status and stream events', async () => {
    await using gateway = await startGateway({
      apps: [progressiveImageApp, textApp],
      logger: false,
    });
    await using chromium = await launchChromium({ viewport: { width: 1280, height: 900 } });
    const { page } = chromium;
    await page.goto(`${gateway.url}/docs`);
    await page.locator('[data-testid=toc]').waitFor();
    expect(await page.title()).toBe('sluice API');
    expect(await page.locator('[data-testid=api-docs] h1').textContent()).toBe('sluice API');
    const links = page.locator('[data-testid=toc] a');
    expect(await links.count()).toBeGreaterThan(10);
    const target = await links.first().getAttribute('href');
    expect(await page.locator(target!).count()).toBe(1);
    const text = await page.locator('[data-testid=api-docs]').innerText();
    const raw = text.indexOf('`');
    // Descriptions are rendered, not raw markdown.
    expect(raw === -1 ? '' : text.slice(raw - 80, raw + 40)).toBe('');
    const stream = page.locator('[data-operation="POST /demo/text/stream"]');
    const kinds = await stream
      .locator('.event-kind')
      .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-event')));
    expect(kinds).toEqual(['progress', 'preview', 'output', 'log', 'result', 'error']);
    expect(await stream.locator('[data-event=result]').innerText()).toContain('tokens');
    const submit = page.locator('[data-operation="POST /queue/demo/text"]');
    expect(await submit.innerText()).toContain('"IN_QUEUE"');
    const status = page.locator(
      '[data-operation="GET /queue/demo/text/requests/{request_id}/status"]',
    );
    expect(await status.innerText()).toMatch(/"IN_QUEUE" \| "IN_PROGRESS" \| "COMPLETED"/);
    await chromium.screenshot('newcomer-docs');
  });
});
