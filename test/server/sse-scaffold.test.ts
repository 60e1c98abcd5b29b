import { describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { readEvents, readText, send, until } from '../support/sse-client.js';
import { countApp, floodApp } from '../support/test-apps.js';
import { QueueClient } from '../queue/queue-client.js';

const HEARTBEAT = ': heartbeat\n\n';

async function activeStreams(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith('sluice_active_streams '));
  return Number(line?.split(' ')[1]);
}

/** Both SSE routes of one queued request: its events and its statuses. */
function streamUrls(gateway: TestGateway, requestId: string) {
  return {
    events: `${gateway.url}/test/count/requests/${requestId}/stream`,
    statuses: `${gateway.url}/queue/test/count/requests/${requestId}/status/stream`,
  };
}

/** The pieces of an SSE body between blank lines: comments and whole frames. */
function pieces(text: string): string[] {
  return text.split('\n\n').slice(0, -1);
}

describe('the SSE response scaffold', () => {
  it('opens, beats and ends the event stream and the status stream the same way', async () => {
    await using gateway = await startGateway({ apps: [countApp], heartbeatMs: 20 });
    const requestId = await new QueueClient(gateway.url, 'test/count').submitId({
      n: 2,
      delay_ms: 150,
    });
    const urls = streamUrls(gateway, requestId);
    const exchanges = await Promise.all([send(urls.events), send(urls.statuses)]);
    const texts = await Promise.all(exchanges.map(({ response }) => readText(response)));
    for (const [index, text] of texts.entries()) {
      const { headers } = exchanges[index]!.response;
      expect(headers['content-type']).toBe('text/event-stream');
      expect(headers['cache-control']).toBe('no-cache, no-transform');
      expect(headers['x-accel-buffering']).toBe('no');
      expect(headers['x-fal-request-id']).toBe(requestId);
      expect(text.startsWith(': open\n\n')).toBe(true);
      expect(text.split(HEARTBEAT).length - 1).toBeGreaterThanOrEqual(3);
      for (const piece of pieces(text)) expect(piece).toMatch(/^(: (open|heartbeat)|id: |data: )/);
      expect(text.endsWith('\n\n')).toBe(true);
    }
    expect(pieces(texts[0]!).at(-1)).toMatch(/^id: \d+\nevent: result\n/);
    expect(pieces(texts[1]!).at(-1)).toContain('"status":"COMPLETED"');
    expect(await activeStreams(gateway.url)).toBe(0);
  });

  it('counts both streams while open and forgets them when the client leaves', async () => {
    await using gateway = await startGateway({ apps: [countApp] });
    const queue = new QueueClient(gateway.url, 'test/count');
    const requestId = await queue.submitId({ n: 20, delay_ms: 100 });
    const urls = streamUrls(gateway, requestId);
    const exchanges = await Promise.all([send(urls.events), send(urls.statuses)]);
    await until(async () => (await activeStreams(gateway.url)) === 2);
    for (const { request } of exchanges) request.destroy();
    await until(async () => (await activeStreams(gateway.url)) === 0);
    await queue.cancel(requestId);
  });

  it('lets a stream waiting on backpressure go when its client leaves', async () => {
    await using gateway = await startGateway({ apps: [floodApp] });
    const exchange = await send(`${gateway.url}/test/flood/stream`, {
      method: 'POST',
      body: JSON.stringify({ previews: 24, size: 512 }),
    });
    exchange.response.pause();
    const requestId = String(exchange.response.headers['x-request-id']);
    await until(async () => (await gateway.eventLog.lookup(requestId)).state === 'ended', 30_000);
    expect(await activeStreams(gateway.url)).toBe(1);
    exchange.request.destroy();
    await until(async () => (await activeStreams(gateway.url)) === 0);
  }, 60_000);

  it('close() waits for a slow reader to take its last event, and returns when it has', async () => {
    const gateway = await startGateway({ apps: [floodApp] });
    const exchange = await send(`${gateway.url}/test/flood/stream`, {
      method: 'POST',
      body: JSON.stringify({ previews: 24, size: 512 }),
    });
    exchange.response.pause();
    const requestId = String(exchange.response.headers['x-request-id']);
    await until(async () => (await gateway.eventLog.lookup(requestId)).state === 'ended', 30_000);
    expect(await activeStreams(gateway.url)).toBe(1); // stuck on backpressure
    let closedAt = Number.POSITIVE_INFINITY;
    const closing = gateway.close().then(() => (closedAt = performance.now()));
    await until(() => gateway.dispatcher.isClosing);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(closedAt).toBe(Number.POSITIVE_INFINITY);
    const resumedAt = performance.now();
    const events = await readEvents(exchange);
    const readAt = performance.now();
    await closing;
    expect(events.at(-1)).toMatchObject({ event: 'result', data: '{"previews":24}' });
    expect(closedAt).toBeGreaterThan(resumedAt);
    // The stream flush cap is 2 s: close() followed the stream's end, not that timer.
    expect(closedAt - readAt).toBeLessThan(1_000);
  }, 60_000);
});
