import { describe, expect, it } from 'vitest';
import { memoryAfterGc } from '../support/collect-garbage.js';
import { startGateway } from '../support/gateway.js';
import { readEvents, send, until } from '../support/sse-client.js';
import { floodApp } from '../support/test-apps.js';

const MIB = 1024 * 1024;
const PREVIEWS = 320;
const LOG_CAP_BYTES = 4 * MIB;
/** Retained heap allowed while the slow client holds its stream open, all previews emitted. */
const HEAP_BOUND_BYTES = 16 * MIB;

describe('a deliberately slow reader', () => {
  it('gets every output and the latest preview, while server memory stays bounded', async () => {
    await using gateway = await startGateway({
      apps: [floodApp],
      eventLogLimits: { maxBytes: LOG_CAP_BYTES },
    });
    const heapBefore = memoryAfterGc().heapUsed;
    const exchange = await send(`${gateway.url}/test/flood/stream`, {
      method: 'POST',
      body: JSON.stringify({ previews: PREVIEWS, size: 512 }),
    });
    exchange.response.pause();
    const requestId = String(exchange.response.headers['x-request-id']);
    await until(async () => (await gateway.eventLog.lookup(requestId)).state === 'ended', 30_000);

    const retained = memoryAfterGc().heapUsed - heapBefore;
    const events = await readEvents(exchange);
    const previews = events.filter((event) => event.event === 'preview');
    const previewBytes = previews.reduce((total, event) => total + event.data.length, 0);
    const emittedBytes = (previewBytes / previews.length) * PREVIEWS;
    expect(emittedBytes).toBeGreaterThan(3 * HEAP_BOUND_BYTES);
    expect(retained).toBeLessThan(HEAP_BOUND_BYTES);

    const outputs = events
      .filter((event) => event.event === 'output')
      .map((event) => JSON.parse(event.data) as { index: number });
    expect(outputs.map((output) => output.index)).toEqual(
      Array.from({ length: PREVIEWS }, (_, index) => index + 1),
    );
    expect(previews.length).toBeLessThan(PREVIEWS / 2);
    const ids = events.map((event) => Number(event.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const latestPreviewSeq = 2 * PREVIEWS - 1;
    expect(previews.at(-1)?.id).toBe(String(latestPreviewSeq));
    expect(events.at(-1)).toMatchObject({ event: 'result', id: String(2 * PREVIEWS + 1) });
  }, 60_000);
});
