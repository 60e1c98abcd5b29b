import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { startGateway } from '../support/gateway.js';
import { readEvents, runToEnd, send, streamAll, until } from '../support/sse-client.js';
import { countApp, failingApp } from '../support/test-apps.js';
import { gateApp, releaseGate } from '../fixtures/queue-apps.js';
import { QueueClient } from '../queue/queue-client.js';

async function scrape(url: string): Promise<string> {
  const response = await fetch(`${url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return response.text();
}

/** The value of one sample line, e.g. `sluice_queue_depth 2`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('/metrics', () => {
  it('counts requests by app, endpoint, view and outcome', async () => {
    await using gateway = await startGateway({ apps: [countApp, failingApp] });
    await fetch(`${gateway.url}/test/count`, {
      method: 'POST',
      body: '{"n":1}',
      headers: { 'content-type': 'application/json' },
    });
    await streamAll(`${gateway.url}/test/count/stream`, { n: 1 });
    await streamAll(`${gateway.url}/test/failing/stream`, {});
    const queue = new QueueClient(gateway.url, 'test/count');
    const requestId = await queue.submitId({ n: 1 });
    await queue.waitFor(requestId, 'COMPLETED');
    const text = await scrape(gateway.url);
    const count = (view: string, outcome: string, app = 'test/count') =>
      sample(
        text,
        `sluice_requests_total{app="${app}",endpoint="/",view="${view}",outcome="${outcome}"}`,
      );
    expect(count('sync', 'ok')).toBe(1);
    expect(count('stream', 'ok')).toBe(1);
    expect(count('queue', 'ok')).toBe(1);
    expect(count('stream', 'app_error', 'test/failing')).toBe(1);
    for (const histogram of [
      'sluice_queue_wait_seconds',
      'sluice_run_duration_seconds',
      'sluice_time_to_first_event_seconds',
    ]) {
      expect(sample(text, `${histogram}_count{app="test/count",endpoint="/",view="queue"}`)).toBe(
        1,
      );
    }
  });

  it('shows active streams, queue depth, and events sent and skipped', async () => {
    await using gateway = await startGateway({ apps: [gateApp, countApp] });
    const queue = new QueueClient(gateway.url, 'qtest/gate');
    const [first, second] = [`a-${randomUUID()}`, `b-${randomUUID()}`];
    const running = await queue.submitId({ key: first });
    await queue.waitFor(running, 'IN_PROGRESS');
    await queue.submitId({ key: second });
    const open = await send(`${gateway.url}/qtest/gate/requests/${running}/stream`);
    await until(async () => sample(await scrape(gateway.url), 'sluice_active_streams') === 1);
    const busy = await scrape(gateway.url);
    expect(sample(busy, 'sluice_queue_depth')).toBe(1);
    releaseGate(first);
    releaseGate(second);
    await readEvents(open);
    await until(() => gateway.dispatcher.activeRuns === 0);
    const before = sample(await scrape(gateway.url), 'sluice_events_skipped_total') ?? 0;
    const requestId = await runToEnd(`${gateway.url}/test/count/stream`, '{"n":5,"progress":true}');
    // A cursor that starts after the run ended skips the four superseded progress events.
    await readEvents(await send(`${gateway.url}/test/count/requests/${requestId}/stream`));
    const after = await scrape(gateway.url);
    expect(sample(after, 'sluice_active_streams')).toBe(0);
    expect(sample(after, 'sluice_queue_depth')).toBe(0);
    expect(sample(after, 'sluice_events_skipped_total')).toBe(before + 4);
    expect(sample(after, 'sluice_events_sent_total')).toBeGreaterThan(10);
  });

  it('each gateway has its own registry', async () => {
    await using one = await startGateway({ apps: [countApp] });
    await using two = await startGateway({ apps: [countApp] });
    await streamAll(`${one.url}/test/count/stream`, { n: 1 });
    const series =
      'sluice_requests_total{app="test/count",endpoint="/",view="stream",outcome="ok"}';
    expect(sample(await scrape(one.url), series)).toBe(1);
    expect(sample(await scrape(two.url), series)).toBeUndefined();
  });
});
