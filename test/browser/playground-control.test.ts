import { describe, expect, it } from 'vitest';
import progressiveImageApp from '../../examples/progressive-image.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { POLL, openPage, type BrowserPage } from './browser.js';

const APP = 'demo/progressive-image';

async function terminalEvent(gateway: TestGateway, requestId: string) {
  const lookup = await gateway.eventLog.lookup(requestId);
  if (lookup.state !== 'ended') return undefined;
  const batch = await gateway.eventLog.read(requestId, lookup.lastSeq - 1, 1);
  const event = batch?.events[0];
  return event && { type: event.type, data: JSON.parse(event.json) as Record<string, unknown> };
}

function requestIdOf(browser: BrowserPage): string | null {
  return new URL(browser.page.url()).searchParams.get('request');
}

/** Opens the form with a long run's input: enough steps to act while it runs. */
async function startLongRun(browser: BrowserPage, url: string, steps: number): Promise<string> {
  const { page } = browser;
  await page.goto(`${url}/?app=${APP}`);
  await page.fill('#field-steps', String(steps));
  await page.fill('#field-preview_every', '5');
  await page.fill('#field-width', '160');
  await page.fill('#field-height', '160');
  await page.click('[data-testid=run]');
  await expect.poll(() => requestIdOf(browser), POLL).toMatch(/\S/);
  await expect
    .poll(
      async () => Number(await page.locator('[data-testid=progress]').getAttribute('data-step')),
      POLL,
    )
    .toBeGreaterThanOrEqual(3);
  return requestIdOf(browser)!;
}

describe('the playground controls runs on the server', () => {
  it('Cancel cancels the run on the server', async () => {
    // A grace far longer than the test: only the server's cancel can end this run.
    await using gateway = await startGateway({
      apps: [progressiveImageApp],
      cancelGraceMs: 120_000,
    });
    await using browser = await openPage(gateway.url);
    const cancels: string[] = [];
    browser.page.on('request', (request) => {
      if (request.method() === 'PUT') cancels.push(new URL(request.url()).pathname);
    });
    try {
      const requestId = await startLongRun(browser, gateway.url, 200);
      await browser.page.click('[data-testid=cancel]');
      await browser.page.locator('[data-testid=status][data-state=cancelled]').waitFor();
      expect(cancels).toEqual([`/queue/${APP}/requests/${requestId}/cancel`]);
      const terminal = await terminalEvent(gateway, requestId);
      expect(terminal?.type).toBe('error');
      expect(terminal?.data.code).toBe('cancelled');
      // Said once, not "Cancelled: The request was cancelled (cancelled)".
      expect(await browser.page.locator('[data-testid=status]').textContent()).toBe('Cancelled');
    } finally {
      await browser.screenshot('playground-cancel');
    }
  });

  it('a reload re-attaches to the running request and the run continues to its end', async () => {
    const STEPS = 120;
    await using gateway = await startGateway({ apps: [progressiveImageApp] });
    await using browser = await openPage(gateway.url);
    const { page } = browser;
    const runRequests: string[] = [];
    page.on('request', (request) => {
      const path = new URL(request.url()).pathname;
      if (path.startsWith(`/${APP}`)) runRequests.push(`${request.method()} ${path}`);
    });
    try {
      const requestId = await startLongRun(browser, gateway.url, STEPS);
      await page.reload();
      // The first step the reloaded page shows is mid-run: it re-attached to a live run.
      const progress = page.locator('[data-testid=progress]');
      await expect.poll(() => progress.getAttribute('data-step'), POLL).not.toBeNull();
      const stepAfterReload = Number(await progress.getAttribute('data-step'));
      expect(stepAfterReload).toBeGreaterThanOrEqual(3);
      expect(stepAfterReload).toBeLessThan(STEPS);
      await page.locator('[data-testid=status][data-state=completed]').waitFor({ timeout: 20_000 });
      expect(requestIdOf(browser)).toBe(requestId);
      expect(runRequests).toEqual([
        `POST /${APP}/stream`,
        `GET /${APP}/requests/${requestId}/stream`,
      ]);
      expect(Number(await progress.getAttribute('data-step'))).toBe(STEPS);
      const terminal = await terminalEvent(gateway, requestId);
      expect(terminal?.type).toBe('result');
      expect(await page.locator('[data-testid=result-image]').getAttribute('src')).toBe(
        (terminal?.data.image as { url: string }).url,
      );
    } finally {
      await browser.screenshot('playground-reload');
    }
  });
});
