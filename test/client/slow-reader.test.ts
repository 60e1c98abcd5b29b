import { describe, expect, it } from 'vitest';
import { createClient, type StreamEvent } from '../../src/client/index.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { until } from '../support/sse-client.js';
import { floodApp } from '../support/test-apps.js';

const PREVIEWS = 200;

let gateway: TestGateway;

async function ended(requestId: string): Promise<boolean> {
  return (await gateway.eventLog.lookup(requestId)).state === 'ended';
}

describe('a slow iteration', () => {
  it('pauses reading, so the server skips superseded previews instead of the client buffering them', async () => {
    await using started = await startGateway({ apps: [floodApp] });
    gateway = started;
    const stream = createClient({ baseUrl: started.url }).stream('test/flood', {
      previews: PREVIEWS,
      size: 400,
    });
    const events: StreamEvent[] = [];
    for await (const event of stream) {
      events.push(event);
      // The reader stalls after its first event until the run has ended on the server.
      if (events.length === 1) await until(async () => await ended(stream.requestId!), 20_000);
    }
    const count = (type: string) => events.filter((event) => event.type === type).length;
    // Every output and the result arrive; of the big previews only some do (latest wins).
    expect(count('output')).toBe(PREVIEWS);
    expect(events.at(-1)).toMatchObject({ type: 'result', data: { previews: PREVIEWS } });
    // Without the pause, the client would have read and buffered all of them.
    expect(count('preview')).toBeLessThan(PREVIEWS * 0.9);
    expect(count('preview')).toBeGreaterThan(0);
    const ids = events.map((event) => event.id);
    expect(ids).toEqual([...ids].sort((left, right) => left - right));
  });
});
