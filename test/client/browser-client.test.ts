import { describe, expect, it } from 'vitest';
import progressiveImageApp from '../../examples/progressive-image.js';
import type { LoggedEvent } from '../../src/events/event-types.js';
import { launchChromium } from '../browser-support/chromium.js';
import { bundleClientPage } from '../browser-support/client-bundle.js';
import type { ClientPage, PageEvent, PageRun } from '../browser-support/client-page.js';
import { recordingEventLog } from '../browser-support/recording-event-log.js';
import { startTcpProxy } from '../browser-support/tcp-proxy.js';
import { startGateway } from '../support/gateway.js';

const APP_ID = 'demo/progressive-image';
/** Long enough (a few seconds on a busy machine) to sever the connection in the middle. */
const INPUT = { steps: 160, preview_every: 8, width: 128, height: 128, bounces: 2, seed: 11 };
const PAGE_PATH = '/__sluice-client-test/';

type PageWindow = Window & { sluiceClientPage: ClientPage };

/**
 * Checks the page's events against every event the server appended: the same events in the
 * same order, each once, none missing, except progress and previews a later one of the same
 * type superseded (a cursor that reads after a gap sends only the latest: docs/protocol.md).
 */
function compareWithLog(seen: readonly PageEvent[], appended: readonly LoggedEvent[]) {
  const byId = new Map(appended.map((event) => [event.seq, event]));
  for (const event of seen) {
    const logged = byId.get(event.id);
    expect(logged, `event ${event.id} is not in the log`).toBeDefined();
    expect({ type: event.type, data: event.data }).toEqual({
      type: logged!.type,
      data: JSON.parse(logged!.json) as unknown,
    });
  }
  const ids = seen.map((event) => event.id);
  expect(ids).toEqual([...new Set(ids)].sort((left, right) => left - right)); // in order, no duplicate
  const seenIds = new Set(ids);
  const missing = appended.filter((event) => !seenIds.has(event.seq));
  for (const event of missing) {
    const superseded = seen.some((later) => later.type === event.type && later.id > event.seq);
    expect(superseded, `event ${event.seq} (${event.type}) is missing`).toBe(true);
  }
}

describe('sluice/client in Chromium', { timeout: 120_000 }, () => {
  it('streams demo/progressive-image to the end and resumes after the connection is severed', async () => {
    const eventLog = recordingEventLog();
    await using gateway = await startGateway({ apps: [progressiveImageApp], eventLog });
    await using proxy = await startTcpProxy({ target: gateway.url });
    const files = await bundleClientPage();
    await using chromium = await launchChromium();
    const { page } = chromium;
    // The page is served on the proxy's origin, so the client's requests are same-origin.
    await page.route(`${proxy.url}${PAGE_PATH}**`, (route) => {
      const file = files[new URL(route.request().url()).pathname.slice(PAGE_PATH.length)];
      return file
        ? route.fulfill({ body: file.body, contentType: file.contentType })
        : route.fulfill({ status: 404, body: 'not found' });
    });
    await page.goto(`${proxy.url}${PAGE_PATH}index.html`);
    await page.waitForFunction(() => 'sluiceClientPage' in window);
    const readRun = () =>
      page.evaluate(() => (window as unknown as PageWindow).sluiceClientPage.run);
    await page.evaluate((call) => (window as unknown as PageWindow).sluiceClientPage.start(call), {
      appId: APP_ID,
      input: INPUT,
    });

    const progressSeen = () =>
      page.evaluate(
        () =>
          (window as unknown as PageWindow).sluiceClientPage.run.events.filter(
            (event) => event.type === 'preview',
          ).length,
      );
    await expect.poll(progressSeen, { timeout: 30_000, interval: 20 }).toBeGreaterThanOrEqual(1);
    expect(proxy.severAll()).toBeGreaterThan(0);
    const beforeSever = await readRun();
    expect(beforeSever.finished, 'the run ended before the connection was severed').toBe(false);

    await expect
      .poll(async () => (await readRun()).finished, { timeout: 60_000, interval: 50 })
      .toBe(true);
    const run: PageRun = await readRun();
    await chromium.screenshot('browser-client-progressive-image');
    expect(run.error, chromium.console.join('\n')).toBeUndefined();
    expect(run.requestId).toMatch(/\S/);

    const appended = eventLog.appended(run.requestId!);
    expect(appended.at(-1)?.type).toBe('result');
    expect(run.events.at(-1)).toMatchObject({ type: 'result', id: appended.at(-1)!.seq });
    expect(run.output).toEqual(JSON.parse(appended.at(-1)!.json));
    compareWithLog(run.events, appended);

    // It resumed: an attach with the Last-Event-ID of the last event it had, and got the rest.
    const resumes = proxy
      .requests()
      .filter((request) => request.path === `/${APP_ID}/requests/${run.requestId}/stream`);
    expect(resumes.length).toBeGreaterThanOrEqual(1);
    const resumedAfter = Number(resumes[0]!.lastEventId);
    expect(run.events.some((event) => event.id === resumedAfter)).toBe(true);
    expect(run.events.filter((event) => event.id > resumedAfter).length).toBeGreaterThan(0);
    expect(await page.evaluate(() => document.getElementById('facts')?.textContent)).toContain(
      `step ${INPUT.steps}/${INPUT.steps}`,
    );
  });
});
