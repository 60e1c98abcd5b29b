import { describe, expect, it } from 'vitest';
import juliaApp, { renderJulia } from '../../examples/julia.js';
import { POLL, openPage } from '../browser/browser.js';
import { startGateway } from '../support/gateway.js';
import { doubleApp } from './realtime-support.js';

describe('the julia example (pure)', () => {
  it('renders the same frame for the same view, and a different one for another c', () => {
    const view = { re: -0.7, im: 0.27, zoom: 1, size: 48, iterations: 48 };
    const frame = renderJulia(view);
    expect(frame).toHaveLength(48 * 48 * 3);
    expect(renderJulia(view)).toEqual(frame);
    expect(renderJulia({ ...view, re: 0.3 })).not.toEqual(frame);
    expect(frame.some((value) => value !== 0)).toBe(true);
  });
});

describe('the playground live mode in Chromium', { timeout: 120_000 }, () => {
  it('sends each change of an input over one connection and shows the newest frame', async () => {
    await using gateway = await startGateway({ apps: [juliaApp, doubleApp] });
    await using browser = await openPage(gateway.url);
    const { page } = browser;
    await page.goto(`${gateway.url}/?app=demo/julia`);
    await page.locator('[data-testid=live]').check();
    const status = page.locator('[data-testid=live-status]');
    await expect.poll(() => status.textContent(), POLL).toBe('Live: 1 answers');
    const firstFrame = await page.locator('[data-testid=live-panel] img').getAttribute('src');
    expect(firstFrame).toMatch(/^data:image\/jpeg;base64,/);
    await page.fill('#field-re', '0.3');
    await expect
      .poll(() => page.locator('[data-testid=live-panel] img').getAttribute('src'), POLL)
      .not.toBe(firstFrame);
    const json = await page
      .locator('[data-testid=live-panel] [data-testid=result-json]')
      .textContent();
    expect(json).toContain('render_ms');
    // An endpoint that did not opt in offers no live mode.
    await page.goto(`${gateway.url}/?app=rt/double`);
    await page.locator('[data-testid=input-form]').waitFor();
    expect(await page.locator('[data-testid=live]').count()).toBe(0);
  });
});
