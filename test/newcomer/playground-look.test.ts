import { afterEach, describe, expect, it } from 'vitest';
import progressiveImageApp from '../../examples/progressive-image.js';
import textApp from '../../examples/text.js';
import { DEV_MODE_VARIABLE } from '../../src/runtime/dev-mode.js';
import { launchChromium, type ChromiumPage } from '../browser-support/chromium.js';
import { POLL } from '../browser/browser.js';
import { startGateway } from '../support/gateway.js';
import { send, readText } from '../support/sse-client.js';
import { inlineFailure } from './fixtures/failing-apps.js';

type Scheme = 'light' | 'dark';
const SIZES = [
  { width: 1280, height: 900 },
  { width: 390, height: 844 },
] as const;
const PAGE_BACKGROUND: Record<Scheme, string> = {
  light: 'rgb(255, 255, 255)',
  dark: 'rgb(17, 22, 28)',
};

async function open(
  url: string,
  viewport: { width: number; height: number },
  scheme: Scheme = 'light',
): Promise<ChromiumPage> {
  const chromium = await launchChromium({ allowedOrigin: url, viewport, timeoutMs: 15_000 });
  await chromium.page.emulateMedia({ colorScheme: scheme });
  return chromium;
}

async function box(chromium: ChromiumPage, selector: string) {
  const found = await chromium.page.locator(selector).boundingBox();
  if (!found) throw new Error(`${selector} is not shown`);
  return found;
}

afterEach(() => {
  delete process.env[DEV_MODE_VARIABLE];
});

describe('the playground at both widths and in both colour schemes', { timeout: 120_000 }, () => {
  for (const size of SIZES) {
    for (const scheme of ['light', 'dark'] as const) {
      it(`${size.width}×${size.height} ${scheme}: layout, one image panel, history`, async () => {
        await using gateway = await startGateway({
          apps: [progressiveImageApp, textApp],
          logger: false,
        });
        await using chromium = await open(gateway.url, size, scheme);
        const { page } = chromium;
        await page.goto(`${gateway.url}/?app=demo/progressive-image`);
        await page.fill('#field-steps', '8');
        await page.fill('#field-width', '128');
        await page.fill('#field-height', '128');
        await page.click('[data-testid=run]');
        await page.locator('[data-testid=status][data-state=completed]').waitFor();
        const inputs = await box(chromium, '[data-testid=inputs]');
        const outputs = await box(chromium, '[data-testid=outputs]');
        if (size.width >= 1000) {
          expect(outputs.x).toBeGreaterThanOrEqual(inputs.x + inputs.width); // beside
          expect(outputs.y).toBeLessThan(size.height / 2); // the run is above the fold
        } else {
          expect(outputs.y).toBeGreaterThanOrEqual(inputs.y + inputs.height); // one column
        }
        const widths = await page.evaluate(() => ({
          page: document.documentElement.scrollWidth,
          body: document.body.scrollWidth,
        }));
        expect(widths.page).toBeLessThanOrEqual(size.width); // nothing clipped or scrolled sideways
        expect(widths.body).toBeLessThanOrEqual(size.width);
        const background = await page.evaluate(
          () => getComputedStyle(document.body).backgroundColor,
        );
        expect(background).toBe(PAGE_BACKGROUND[scheme]);
        // One image: the result replaced the preview in the same panel.
        await expect.poll(() => page.locator('.run img:visible').count(), POLL).toBe(1);
        const shown = page.locator('[data-testid=result-image]');
        expect(await shown.getAttribute('src')).toMatch(/^data:image\/jpeg;base64,/);
        expect(await page.locator('[data-testid=download]').getAttribute('download')).toBe(
          'result.jpg',
        );
        await page.click('[data-testid=full-size]');
        await page.locator('[data-testid=full-size-view][open]').waitFor();
        await page.keyboard.press('Escape');
        await expect
          .poll(() => page.locator('[data-testid=history] li').getAttribute('data-status'), POLL)
          .toBe('completed');
        expect(await page.locator('[data-testid=history] img.thumbnail').count()).toBe(1);
        const path = await chromium.screenshot(
          `newcomer-playground-${size.width}x${size.height}-${scheme}`,
        );
        expect(path).toMatch(/\.png$/);
      });
    }
  }
});

describe('the playground tells a run as it goes', { timeout: 120_000 }, () => {
  it('a text app shows tokens per second; a reload restores the run input; Run again repeats it', async () => {
    await using gateway = await startGateway({ apps: [textApp], logger: false });
    await using chromium = await open(gateway.url, SIZES[0]);
    const { page } = chromium;
    await page.goto(`${gateway.url}/?app=demo/text`);
    await page.fill('#field-prompt', 'The keeper of the lamp');
    await page.fill('#field-max_tokens', '40');
    await page.fill('#field-tokens_per_second', '50');
    await page.click('[data-testid=run]');
    await page.locator('[data-testid=status][data-state=completed]').waitFor();
    expect(await page.locator('[data-testid=progress-facts]').textContent()).toMatch(
      /^40 tokens · \d+\.\d tokens\/s · elapsed \d:\d\d$/,
    );
    const requestUrl = page.url();
    await page.goto(`${gateway.url}/?app=demo/text`); // the defaults again
    expect(await page.inputValue('#field-prompt')).not.toBe('The keeper of the lamp');
    await page.goto(requestUrl); // re-attach: the run's own input comes back
    await page.locator('[data-testid=status][data-state=completed]').waitFor();
    expect(await page.inputValue('#field-prompt')).toBe('The keeper of the lamp');
    expect(await page.inputValue('#field-max_tokens')).toBe('40');
    await page.click('[data-testid=history-rerun]');
    await expect.poll(() => page.locator('[data-testid=history] li').count(), POLL).toBe(2);
    await page.locator('[data-testid=status][data-state=completed]').waitFor();
  });

  it('a run that waits shows its queue position; a cancel says just "Cancelled"', async () => {
    await using gateway = await startGateway({
      apps: [textApp],
      logger: false,
      limits: { concurrent: 1 },
    });
    // A blocker holds the only slot until it is cancelled.
    const blocker = await send(`${gateway.url}/queue/demo/text`, {
      method: 'POST',
      body: JSON.stringify({ max_tokens: 1000, tokens_per_second: 10 }),
    });
    const { cancel_url } = JSON.parse(await readText(blocker.response)) as { cancel_url: string };
    await using chromium = await open(gateway.url, SIZES[0]);
    const { page } = chromium;
    await page.goto(`${gateway.url}/?app=demo/text`);
    await page.fill('#field-max_tokens', '200');
    await page.fill('#field-tokens_per_second', '20');
    await page.click('[data-testid=run]');
    await page.locator('[data-testid=status][data-state=queued]').waitFor();
    expect(await page.locator('[data-testid=status]').textContent()).toBe(
      'Queued · position 1 in line',
    );
    await readText((await send(cancel_url, { method: 'PUT' })).response);
    await page.locator('[data-testid=status][data-state=running]').waitFor({ timeout: 20_000 });
    await page.click('[data-testid=cancel]');
    await page.locator('[data-testid=status][data-state=cancelled]').waitFor();
    expect(await page.locator('[data-testid=status]').textContent()).toBe('Cancelled');
    await expect
      .poll(
        () => page.locator('[data-testid=history] li').first().getAttribute('data-status'),
        POLL,
      )
      .toBe('cancelled');
  });

  it('in dev mode a failed run shows the app’s message and stack', async () => {
    process.env[DEV_MODE_VARIABLE] = '1';
    await using gateway = await startGateway({ apps: [inlineFailure], logger: false });
    await using chromium = await open(gateway.url, SIZES[0], 'dark');
    const { page } = chromium;
    await page.goto(`${gateway.url}/?app=${inlineFailure.id}`);
    await page.click('[data-testid=run]');
    await page.locator('[data-testid=status][data-state=failed]').waitFor();
    expect(await page.locator('[data-testid=status]').textContent()).toBe(
      'Failed: The app raised Error',
    );
    const debug = page.locator('[data-testid=debug]');
    expect(await debug.locator('summary').textContent()).toBe(
      "The app's error: CUDA out of memory",
    );
    expect(await debug.locator('pre').textContent()).toContain('failing-apps.ts');
    await chromium.screenshot('newcomer-playground-dev-error-dark');
  });
});
