import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type StreamEvent } from '../../src/client/index.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { countApp } from '../support/test-apps.js';
import { seededRandom, startFaultProxy } from './fault-proxy.js';

const RUNS = 200;
const CONCURRENCY = 10;
const SEED = 20261121;
/** Resumes must carry the key too: another key's request is answered as unknown. */
const KEY = 'fault-key';

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startGateway({ apps: [countApp], apiKeys: [KEY] });
});
afterAll(() => gateway.close());

async function loggedEvents(requestId: string) {
  const batch = await gateway.eventLog.read(requestId, 0, 100_000);
  return (batch?.events ?? []).map((event) => ({
    type: event.type,
    id: event.seq,
    data: JSON.parse(event.json) as unknown,
  }));
}

async function collect(stream: AsyncIterable<StreamEvent>) {
  const events: StreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

describe('streams through a faulty network', () => {
  it(`deliver exactly the server’s event log, over ${RUNS} randomized runs`, async () => {
    const random = seededRandom(SEED);
    await using proxy = await startFaultProxy({
      target: gateway.url,
      random,
      cutProbability: 0.5,
      maxCutBytes: 1_500,
      maxDelayMs: 3,
      maxPieceBytes: 300,
    });
    const client = createClient({
      baseUrl: proxy.url,
      apiKey: KEY,
      retry: { attempts: 20, initialDelayMs: 1, maxDelayMs: 20 },
    });
    const inputs = Array.from({ length: RUNS }, () => ({
      n: 1 + Math.floor(random() * 30),
      delay_ms: Math.floor(random() * 3),
      text: 'é☃😀'.repeat(1 + Math.floor(random() * 8)),
    }));
    const failures: string[] = [];
    let completed = 0;
    let next = 0;
    const worker = async () => {
      while (next < inputs.length) {
        const run = next++;
        const input = inputs[run]!;
        const stream = client.stream('test/count', input);
        const events = await collect(stream).catch((error: unknown) => {
          failures.push(`run ${run}: ${String(error)} (${String((error as Error).cause)})`);
          return [];
        });
        if (events.length === 0) continue;
        const logged = await loggedEvents(stream.requestId!);
        if (JSON.stringify(events) !== JSON.stringify(logged)) {
          failures.push(`run ${run}: events differ from the log`);
        }
        expect(events.at(-1)).toEqual({
          type: 'result',
          id: input.n + 1,
          data: { count: input.n, text: input.text },
        });
        expect(await stream.done()).toEqual({ count: input.n, text: input.text });
        completed++;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    expect(failures).toEqual([]);
    expect(completed).toBe(RUNS);
    // The faults happened: about half the responses were cut.
    expect(proxy.cuts()).toBeGreaterThan(RUNS / 4);
  }, 60_000);
});
