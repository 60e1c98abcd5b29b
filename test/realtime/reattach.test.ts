import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineApp } from '../../src/app/define-app.js';
import { createClient } from '../../src/client/create-client.js';
import type { WebSocketConstructor } from '../../src/client/realtime-types.js';
import { startTcpProxy } from '../browser-support/tcp-proxy.js';
import { startFailoverProxy } from './failover-proxy.js';
import { startGateway, startRedisGateway } from '../support/gateway.js';
import { doubleApp, isResult, openProbe, recordingWebSocket } from './realtime-support.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(ready: () => boolean): Promise<void> {
  for (let wait = 0; !ready() && wait < 500; wait++) await sleep(10);
  expect(ready()).toBe(true);
}

/** Counts its runs, so a test sees whether an input ran twice. */
function countingApp(idleTimeoutMs = 60_000) {
  const runs: number[] = [];
  const app = defineApp({
    id: 'rt/counted',
    input: z.object({ x: z.number(), delay_ms: z.number().default(0) }),
    async run({ x, delay_ms }) {
      runs.push(x);
      await sleep(delay_ms);
      return { doubled: x * 2 };
    },
    realtime: { idleTimeoutMs },
  });
  return { app, runs };
}

describe('reattaching to a request by its id (x-sluice-attach)', () => {
  it('acks=1 tells each input its request; a new connection reattaches and gets its answer', async () => {
    await using gateway = await startGateway({ apps: [doubleApp] });
    let requestId: string;
    {
      await using probe = await openProbe(`${gateway.url}/rt/double/realtime?acks=1`);
      probe.sendJson({ x: 'bad' }); // input 1: never a request, so never acknowledged
      probe.sendJson({ x: 7, delay_ms: 400 }); // input 2
      // Its refusal says which input it answers, as `accepted` would have.
      expect(await probe.next((message) => message.type === 'x-fal-error')).toMatchObject({
        request_id: null,
        error: 'invalid_input',
        refused: 1,
      });
      const accepted = await probe.next((message) => message.accepted !== undefined);
      expect(accepted).toEqual({
        type: 'x-fal-message',
        request_id: expect.stringMatching(/^[0-9a-f-]{36}$/) as string,
        accepted: 2,
      });
      requestId = accepted.request_id as string;
    } // the socket is dropped here, mid-run, without a close frame
    await using again = await openProbe(`${gateway.url}/rt/double/realtime?events=1`);
    again.sendJson({ type: 'x-sluice-attach', request_id: requestId });
    expect(await again.next(isResult)).toEqual({ doubled: 14, request_id: requestId });
    // With events=1 the request's events come first, from its start.
    expect(again.messages.some((message) => message.event === 'output')).toBe(true);
    // A reattach to an ended request answers at once; the connection serves inputs as usual.
    again.sendJson({ type: 'x-sluice-attach', request_id: requestId });
    expect(await again.next(isResult)).toEqual({ doubled: 14, request_id: requestId });
    again.sendJson({ x: 1 });
    expect(await again.next(isResult)).toMatchObject({ doubled: 2 });
  });

  it('acks=1 numbers a refusal at submission too: a full endpoint answers overloaded with refused', async () => {
    const busy = defineApp({
      id: 'rt/busy',
      input: z.object({ x: z.number(), delay_ms: z.number().default(0) }),
      limits: { concurrent: 1, queued: 0 },
      async run({ x, delay_ms }) {
        await sleep(delay_ms);
        return { doubled: x * 2 };
      },
    });
    await using gateway = await startGateway({ apps: [busy] });
    await using holder = await openProbe(`${gateway.url}/rt/busy/realtime?acks=1`);
    holder.sendJson({ x: 1, delay_ms: 400 });
    await holder.next((message) => message.accepted === 1);
    await using refused = await openProbe(`${gateway.url}/rt/busy/realtime?acks=1`);
    refused.sendJson({ x: 2 });
    expect(await refused.next((message) => message.type === 'x-fal-error')).toMatchObject({
      request_id: null,
      error: 'overloaded',
      refused: 1,
    });
    expect(await holder.next(isResult)).toMatchObject({ doubled: 2 });
  });

  it('keeps a connection that follows a reattached run open past its idle timeout', async () => {
    const { app } = countingApp(50);
    await using gateway = await startGateway({ apps: [app] });
    let requestId: string;
    {
      await using probe = await openProbe(`${gateway.url}/rt/counted/realtime?acks=1`);
      probe.sendJson({ x: 3, delay_ms: 400 });
      const accepted = await probe.next((message) => message.accepted !== undefined);
      requestId = accepted.request_id as string;
    }
    await using again = await openProbe(`${gateway.url}/rt/counted/realtime`);
    again.sendJson({ type: 'x-sluice-attach', request_id: requestId });
    // The run goes on for about 350 ms more, seven idle timeouts: the follow holds the connection.
    expect(await again.next(isResult, 2_000)).toEqual({ doubled: 6, request_id: requestId });
    expect(await again.closed).toEqual({ code: 1000, reason: 'idle timeout' });
  });

  it('answers request_not_found for an unknown, malformed, missing or another key’s request id', async () => {
    await using gateway = await startGateway({ apps: [doubleApp], apiKeys: ['key-a', 'key-b'] });
    const url = `${gateway.url}/rt/double/realtime?acks=1`;
    await using owner = await openProbe(url, { headers: { authorization: 'Key key-a' } });
    owner.sendJson({ x: 1 });
    const { request_id: requestId } = await owner.next(isResult);
    await using stranger = await openProbe(url, { headers: { authorization: 'Key key-b' } });
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const target of [requestId, unknown, 'not-an-id', undefined]) {
      stranger.sendJson({ type: 'x-sluice-attach', request_id: target });
      expect(await stranger.next()).toEqual({
        type: 'x-fal-error',
        request_id: typeof target === 'string' ? target : '',
        error: 'request_not_found',
        reason: 'No such request',
        retryable: false,
      });
    }
    stranger.sendJson({ x: 2 }); // and the connection goes on
    expect(await stranger.next(isResult)).toMatchObject({ doubled: 4 });
  });

  it('sluice/client reattaches after a dropped socket instead of running the input again', async () => {
    const { app, runs } = countingApp();
    await using gateway = await startGateway({ apps: [app] });
    await using proxy = await startTcpProxy({ target: gateway.url });
    const client = createClient({ baseUrl: proxy.url, retry: { initialDelayMs: 10 } });
    const recording = recordingWebSocket();
    const results: { output: unknown; requestId: string }[] = [];
    const connection = client.realtime('rt/counted', {
      webSocket: recording.webSocket as unknown as WebSocketConstructor,
      onResult: (output, { requestId }) => results.push({ output, requestId }),
    });
    connection.send({ x: 3, delay_ms: 600 });
    await until(() => recording.connections[0]?.received.length === 1); // its ack
    expect(proxy.severAll()).toBeGreaterThan(0);
    for (let wait = 0; results.length === 0 && wait < 500; wait++) await sleep(10);
    const [first, second] = recording.connections;
    const acked = first!.received.find((message) => message.accepted === 1)!.request_id;
    expect(results).toEqual([{ output: { doubled: 6 }, requestId: acked }]);
    expect(second!.sent).toEqual([{ type: 'x-sluice-attach', request_id: acked }]);
    expect(runs).toEqual([3]); // one run: the input was not sent again
    connection.close();
  });

  it('sluice/client reattaches the latest input after an earlier input was answered before its ack', async () => {
    const { app, runs } = countingApp();
    await using gateway = await startGateway({ apps: [app] });
    await using proxy = await startTcpProxy({ target: gateway.url });
    const client = createClient({ baseUrl: proxy.url, retry: { initialDelayMs: 10 } });
    const recording = recordingWebSocket();
    const results: unknown[] = [];
    const connection = client.realtime('rt/counted', {
      webSocket: recording.webSocket as unknown as WebSocketConstructor,
      onResult: (output) => results.push(output),
    });
    // One at a time: the second input waits while the first runs, so the first's answer
    // arrives before the second is acknowledged.
    connection.send({ x: 1, delay_ms: 300 });
    await until(() => recording.connections[0]?.received.length === 1); // its ack
    connection.send({ x: 2, delay_ms: 800 });
    await until(() => results.length === 1);
    const first = recording.connections[0]!;
    await until(() => first.received.some((message) => message.accepted === 2));
    expect(proxy.severAll()).toBeGreaterThan(0); // while the second runs
    await until(() => results.length === 2);
    expect(results).toEqual([{ doubled: 2 }, { doubled: 4 }]);
    const acked = first.received.find((message) => message.accepted === 2)!.request_id;
    expect(recording.connections[1]!.sent).toEqual([
      { type: 'x-sluice-attach', request_id: acked },
    ]);
    expect(runs).toEqual([1, 2]); // the second ran once
    connection.close();
  });

  it('sluice/client sends the input again when the gateway it reconnects to does not know the request', async () => {
    const { app, runs } = countingApp();
    await using first = await startGateway({ apps: [app] });
    await using second = await startGateway({ apps: [app] }); // memory mode: shares nothing
    let target = first.url;
    await using front = await startFailoverProxy(() => [target]);
    const client = createClient({ baseUrl: front.url, retry: { initialDelayMs: 10 } });
    const recording = recordingWebSocket();
    const results: unknown[] = [];
    const connection = client.realtime('rt/counted', {
      webSocket: recording.webSocket as unknown as WebSocketConstructor,
      onResult: (output) => results.push(output),
    });
    connection.send({ x: 4, delay_ms: 800 });
    await until(() => recording.connections[0]?.received.length === 1);
    target = second.url; // the first gateway is cut off mid-run; the next connection lands on the second
    expect(front.severAll()).toBeGreaterThan(0);
    for (let wait = 0; results.length === 0 && wait < 500; wait++) await sleep(10);
    expect(results).toEqual([{ doubled: 8 }]);
    const [, again] = recording.connections;
    const acked = recording.connections[0]!.received.find((message) => message.accepted === 1);
    expect(again!.sent).toEqual([
      { type: 'x-sluice-attach', request_id: acked!.request_id },
      { x: 4, delay_ms: 800 },
    ]);
    expect(runs).toEqual([4, 4]); // once on each gateway
    connection.close();
  });

  it('in Redis mode, sluice/client reattaches through another gateway, which knows the request', async () => {
    const { app, runs } = countingApp();
    await using first = await startRedisGateway({ apps: [app] });
    await using second = await startRedisGateway({ apps: [app], redis: first.redis });
    let target = first.url;
    await using front = await startFailoverProxy(() => [target]);
    const client = createClient({ baseUrl: front.url, retry: { initialDelayMs: 10 } });
    const recording = recordingWebSocket();
    const results: { output: unknown; requestId: string }[] = [];
    const connection = client.realtime('rt/counted', {
      webSocket: recording.webSocket as unknown as WebSocketConstructor,
      onResult: (output, { requestId }) => results.push({ output, requestId }),
    });
    connection.send({ x: 5, delay_ms: 800 });
    await until(() => recording.connections[0]?.received.length === 1); // its ack
    target = second.url;
    expect(front.severAll()).toBeGreaterThan(0);
    await until(() => results.length === 1);
    const acked = recording.connections[0]!.received[0]!.request_id;
    expect(results).toEqual([{ output: { doubled: 10 }, requestId: acked }]);
    expect(recording.connections[1]!.sent).toEqual([
      { type: 'x-sluice-attach', request_id: acked },
    ]);
    expect(runs).toEqual([5]);
    connection.close();
  });
});
