import { describe, expect, it } from 'vitest';
import { startGateway } from '../support/gateway.js';
import { streamAll } from '../support/sse-client.js';
import { countApp } from '../support/test-apps.js';

const STREAMS = 1000;
const EVENTS = 20;

describe('many concurrent streams', () => {
  it(`${STREAMS} concurrent streams all complete, in order, with nothing lost`, async () => {
    await using gateway = await startGateway({ apps: [countApp] });
    const url = `${gateway.url}/test/count/stream`;
    const streams = await Promise.all(
      Array.from({ length: STREAMS }, (_, index) =>
        streamAll(url, { n: EVENTS, text: `stream-${index}` }),
      ),
    );
    streams.forEach((events, index) => {
      expect(events.map((event) => Number(event.id))).toEqual(
        Array.from({ length: EVENTS + 1 }, (_, i) => i + 1),
      );
      const outputs = events
        .slice(0, EVENTS)
        .map((event) => JSON.parse(event.data) as { i: number; text: string });
      expect(outputs.map((output) => output.i)).toEqual(
        Array.from({ length: EVENTS }, (_, i) => i + 1),
      );
      expect(outputs.every((output) => output.text === `stream-${index}`)).toBe(true);
      expect(events.at(-1)).toMatchObject({ event: 'result' });
      expect(JSON.parse(events.at(-1)!.data)).toEqual({ count: EVENTS, text: `stream-${index}` });
    });
    expect(gateway.dispatcher.activeRuns).toBe(0);
  }, 60_000);
});
