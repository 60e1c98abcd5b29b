import { describe, expect, it } from 'vitest';
import progressiveImageApp from '../../examples/progressive-image.js';
import textApp from '../../examples/text.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { POLL, openPage, type BrowserPage } from './browser.js';

async function loggedEvents(gateway: TestGateway, requestId: string) {
  const batch = await gateway.eventLog.read(requestId, 0, 10_000);
  return (batch?.events ?? []).map((event) => ({
    type: event.type,
    data: JSON.parse(event.json) as unknown,
  }));
}

function requestIdOf(browser: BrowserPage): string {
  const requestId = new URL(browser.page.url()).searchParams.get('request');
  if (requestId === null) throw new Error('The page put no request id in its URL');
  return requestId;
}

/** Records every value an element's attribute or text takes, from now on, in `window.__seen`. */
async function watch(browser: BrowserPage, selector: string, what: 'src' | 'text'): Promise<void> {
  await browser.page.evaluate(
    ({ selector, what }) => {
      const target = document.querySelector(selector)!;
      const seen: string[] = [];
      (window as unknown as { __seen: string[] }).__seen = seen;
      const read = () => (what === 'src' ? target.getAttribute('src') : target.textContent) ?? '';
      new MutationObserver(() => {
        const value = read();
        if (value !== '' && seen.at(-1) !== value) seen.push(value);
      }).observe(target, { attributes: true, childList: true, characterData: true, subtree: true });
    },
    { selector, what },
  );
}

const seenValues = (browser: BrowserPage) =>
  browser.page.evaluate(() => (window as unknown as { __seen: string[] }).__seen);

describe('the playground runs apps in a real browser', () => {
  it('fills the progressive-image form, shows changing previews, then the final image', async () => {
    await using gateway = await startGateway({ apps: [progressiveImageApp, textApp] });
    await using browser = await openPage(gateway.url);
    const { page } = browser;
    try {
      await page.goto(`${gateway.url}/?app=demo/progressive-image`);
      await expect
        .poll(() => page.locator('[data-testid=apps] .app-id').allTextContents(), POLL)
        .toEqual(['demo/progressive-image', 'demo/text']);
      await page.fill('#field-steps', '20');
      await page.fill('#field-preview_every', '2');
      await page.fill('#field-width', '192');
      await page.fill('#field-height', '192');
      await page.fill('#field-seed', '7');
      await watch(browser, '[data-testid=preview]', 'src');
      await page.click('[data-testid=run]');
      await page.locator('[data-testid=status][data-state=completed]').waitFor();
      const previews = await seenValues(browser);
      expect(new Set(previews).size).toBeGreaterThanOrEqual(3);
      expect(previews.every((src) => src.startsWith('data:image/jpeg;base64,'))).toBe(true);
      const finalImage = await page.locator('[data-testid=result-image]').getAttribute('src');
      const logged = await loggedEvents(gateway, requestIdOf(browser));
      // A reader that falls behind skips superseded previews, so up to 10 of them arrive.
      const shownPreviews = await page
        .locator('[data-testid=result-image]')
        .getAttribute('data-count');
      expect(Number(shownPreviews)).toBeGreaterThanOrEqual(3);
      expect(Number(shownPreviews)).toBeLessThanOrEqual(10);
      const result = logged.at(-1) as {
        type: string;
        data: { image: { url: string }; seed: number };
      };
      expect(result.type).toBe('result');
      expect(finalImage).toBe(result.data.image.url);
      expect(result.data.seed).toBe(7);
      expect(await page.locator('[data-testid=progress]').getAttribute('data-step')).toBe('20');
      expect(await page.locator('[data-testid=progress-facts]').textContent()).toMatch(
        /^20\/20 · 100%/,
      );
      expect(await page.locator('[data-testid=timings]').textContent()).toMatch(
        /First event after .* · total /,
      );
      expect(await page.locator('[data-testid=result-json]').textContent()).toContain('"seed": 7');
      await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], {
        origin: gateway.url,
      });
      await page.click('[data-testid=result] button.copy');
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      expect(JSON.parse(copied)).toEqual(result.data);
      expect(browser.foreignRequests).toEqual([]);
    } finally {
      await browser.screenshot('playground-progressive-image');
    }
  });

  it('streams demo/text and its text grows token by token', async () => {
    await using gateway = await startGateway({ apps: [textApp] });
    await using browser = await openPage(gateway.url);
    const { page } = browser;
    try {
      await page.goto(`${gateway.url}/?app=demo/text`);
      await page.fill('#field-prompt', 'The keeper');
      await page.fill('#field-max_tokens', '30');
      await page.fill('#field-tokens_per_second', '20');
      await page.fill('#field-seed', '3');
      await watch(browser, '[data-testid=output]', 'text');
      await page.click('[data-testid=run]');
      await page.locator('[data-testid=status][data-state=completed]').waitFor();
      const texts = await seenValues(browser);
      expect(texts.length).toBeGreaterThanOrEqual(10);
      for (const [index, text] of texts.entries())
        if (index > 0) expect(text.startsWith(texts[index - 1]!)).toBe(true);
      const logged = await loggedEvents(gateway, requestIdOf(browser));
      const result = logged.at(-1)?.data as { text: string; tokens: number };
      expect(result.tokens).toBe(30);
      expect(`The keeper${texts.at(-1)}`).toBe(result.text);
      expect(browser.foreignRequests).toEqual([]);
    } finally {
      await browser.screenshot('playground-text');
    }
  });

  it('shows the same field message in the browser as the server sends for an invalid input', async () => {
    await using gateway = await startGateway({ apps: [progressiveImageApp] });
    await using browser = await openPage(gateway.url);
    const { page } = browser;
    const runs: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST') runs.push(request.url());
    });
    try {
      const answer = await fetch(`${gateway.url}/demo/progressive-image/stream`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ steps: 500 }),
      });
      expect(answer.status).toBe(422);
      const body = (await answer.json()) as { detail: { loc: string[]; msg: string }[] };
      const serverMessage = body.detail.find((field) => field.loc[1] === 'steps')?.msg;
      expect(serverMessage).toBe('Too big: expected number to be <=200');

      await page.goto(`${gateway.url}/?app=demo/progressive-image`);
      const stepsError = page.locator('[data-field=steps] [data-field-error=steps]');
      await page.fill('#field-steps', '500');
      await page.click('[data-testid=run]');
      await expect.poll(() => stepsError.textContent(), POLL).toBe(serverMessage);
      expect(runs).toEqual([]);

      await page.fill('#field-steps', '1');
      await page.click('[data-testid=check-in-browser]');
      await page.fill('#field-steps', '500');
      await page.click('[data-testid=run]');
      await page.locator('[data-testid=status][data-state=failed]').waitFor();
      expect(await stepsError.textContent()).toBe(serverMessage);
      expect(runs).toEqual([`${gateway.url}/demo/progressive-image/stream`]);
      expect(await page.locator('#field-steps').getAttribute('aria-invalid')).toBe('');
    } finally {
      await browser.screenshot('playground-invalid-input');
    }
  });
});
