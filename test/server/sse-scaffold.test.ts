import { describe, expect, it } from 'vitest';
import { startGateway } from '../support/gateway.js';
import { readEvents, send, until } from '../support/sse-client.js';
import { floodApp } from '../support/test-apps.js';
import { gateApp, releaseGate, uniqueKey } from '../fixtures/queue-apps.js';
import { QueueClient } from '../queue/queue-client.js';

const HEARTBEAT = ': heartbeat\n\n';

async function activeStreams(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith('sluice_active_streams '));
  return Number(line?.split(' ')[1]);
}

/** Both SSE routes of one queued request: its events and its statuses. */
function streamUrls(url: string, appId: string, requestId: string) {
  return {
    events: `${url}/${appId}/requests/${requestId}/stream`,
    statuses: `${url}/queue/${appId}/requests/${requestId}/status/stream`,
  };
}

/** The pieces of an SSE body between blank lines: comments and whole frames. */
function pieces(text: string): string[] {
  return text.split('\n\n').slice(0, -1);
}

describe('the SSE response scaffold', () => {
  it('opens, beats and ends the event stream and the status stream the same way', async () => {
    await using gateway = await startGateway({ apps: [gateApp], heartbeatMs: 20 });
    const key = uniqueKey('scaffold');
    const requestId = await new QueueClient(gateway.url, 'qtest/gate').submitId({ key });
    const urls = streamUrls(gateway.url, 'qtest/gate', requestId);
    const exchanges = await Promise.all([send(urls.events), send(urls.statuses)]);
    const texts = ['', ''];
    const ends = exchanges.map(({ response }, index) => {
      response.on('data', (chunk: Buffer) => (texts[index] += chunk.toString('utf8')));
      return new Promise((resolve) => response.once('end', resolve));
    });
    // The run waits at its gate until both streams have had their heartbeats.
    await until(() => texts.every((text) => text.split(HEARTBEAT).length > 3));
    releaseGate(key);
    await Promise.all(ends);
    for (const [index, text] of texts.entries()) {
      const { headers } = exchanges[index]!.response;
      expect(headers['content-type']).toBe('text/event-stream');
      expect(headers['cache-control']).toBe('no-cache, no-transform');
      expect(headers['x-accel-buffering']).toBe('no');
      expect(headers['x-fal-request-id']).toBe(requestId);
      expect(text.startsWith(': open\n\n')).toBe(true);
      for (const piece of pieces(text)) expect(piece).toMatch(/^(: (open|heartbeat)|id: |data: )/);
      expect(text.endsWith('\n\n')).toBe(true);
    }
    expect(pieces(texts[0]!).at(-1)).toMatch(/^id: \d+\nevent: result\n/);
    expect(pieces(texts[1]!).at(-1)).toContain('"status":"COMPLETED"');
    expect(await activeStreams(gateway.url)).toBe(0);
  });

  it('counts both streams while open and forgets them when the client leaves', async () => {
    await using gateway = await startGateway({ apps: [gateApp] });
    const key = uniqueKey('leaving');
    const requestId = await new QueueClient(gateway.url, 'qtest/gate').submitId({ key });
    const urls = streamUrls(gateway.url, 'qtest/gate', requestId);
    const exchanges = await Promise.all([send(urls.events), send(urls.statuses)]);
    await until(async () => (await activeStreams(gateway.url)) === 2);
    for (const { request } of exchanges) request.destroy();
    await until(async () => (await activeStreams(gateway.url)) === 0);
    releaseGate(key);
  });

  it('lets a stream waiting on backpressure go when its client leaves', async () => {
    await using gateway = await startGateway({ apps: [floodApp] });
    const exchange = await send(`${gateway.url}/test/flood/stream`, {
      method: 'POST',
      body: JSON.stringify({ previews: 48, size: 512 }),
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
      body: JSON.stringify({ previews: 48, size: 512 }),
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
    expect(events.at(-1)).toMatchObject({ event: 'result', data: '{"previews":48}' });
    expect(closedAt).toBeGreaterThan(resumedAt);
    // Not a speed target: close() waits at most 2 s for streams, and returning well inside
    // that after the last one ended shows it followed the stream's end, not that cap.
    expect(closedAt - readAt).toBeLessThan(1_500);
  }, 60_000);
});
