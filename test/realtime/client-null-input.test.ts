import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { z } from 'zod';
import { defineApp } from '../../src/app/define-app.js';
import { createClient } from '../../src/client/create-client.js';
import type { WebSocketConstructor } from '../../src/client/realtime-types.js';
import type { SluiceError } from '../../src/errors/sluice-error.js';
import { startTcpProxy } from '../browser-support/tcp-proxy.js';
import { startGateway } from '../support/gateway.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits (at most 3 s) for `ready`; the caller then asserts what it sees. */
async function settle(ready: () => boolean): Promise<void> {
  for (let wait = 0; !ready() && wait < 300; wait++) await sleep(10);
}

async function until(ready: () => boolean): Promise<void> {
  await settle(ready);
  expect(ready()).toBe(true);
}

/**
 * Every field has a default, so `{}` (or no body at all) runs; a JSON `null` is validated as
 * sent and refused. Counts its runs, so a test sees whether an input ran twice.
 */
function nullRefusingApp() {
  const runs: number[] = [];
  const app = defineApp({
    id: 'rt/no-null',
    input: z.object({ x: z.number().default(1), delay_ms: z.number().int().min(0).default(0) }),
    async run({ x, delay_ms }) {
      runs.push(x);
      await sleep(delay_ms);
      return { doubled: x * 2 };
    },
  });
  return { app, runs };
}

/**
 * Like `recordingWebSocket` (realtime-support.ts), but a frame sent that is not a string is
 * kept as it was passed (not parsed), so a client that sent `undefined` is seen doing so.
 */
function recordingWebSocket() {
  const connections: { sent: unknown[]; received: Record<string, unknown>[] }[] = [];
  class Recording extends WebSocket {
    constructor(url: string) {
      super(url);
      const connection = { sent: [] as unknown[], received: [] as Record<string, unknown>[] };
      connections.push(connection);
      this.on('message', (data, isBinary) =>
        connection.received.push(
          isBinary
            ? { binary: (data as Buffer).length }
            : (JSON.parse((data as Buffer).toString()) as Record<string, unknown>),
        ),
      );
      const send = this.send.bind(this);
      this.send = ((data: unknown) => {
        connection.sent.push(typeof data === 'string' ? (JSON.parse(data) as unknown) : data);
        send(data as string);
      }) as typeof this.send;
    }
  }
  return { webSocket: Recording as unknown as WebSocketConstructor, connections };
}

function collector() {
  const answers: (
    | { result: unknown; requestId: string }
    | { error: string; requestId: string | null; fields: unknown }
  )[] = [];
  return {
    answers,
    onResult: (result: unknown, { requestId }: { requestId: string }) =>
      void answers.push({ result, requestId }),
    onError: (error: SluiceError, { requestId }: { requestId: string | null }) =>
      void answers.push({ error: error.code, requestId, fields: error.fields }),
  };
}

/** The app behind a proxy that can cut the connection, and a recorded client connection to it. */
async function openThroughProxy() {
  const { app, runs } = nullRefusingApp();
  const gateway = await startGateway({ apps: [app] });
  const proxy = await startTcpProxy({ target: gateway.url });
  const client = createClient({ baseUrl: proxy.url, retry: { initialDelayMs: 10 } });
  const recording = recordingWebSocket();
  const seen = collector();
  const connection = client.realtime('rt/no-null', { webSocket: recording.webSocket, ...seen });
  const close = async () => {
    connection.close();
    await proxy[Symbol.asyncDispose]();
    await gateway[Symbol.asyncDispose]();
  };
  return { runs, proxy, recording, seen, connection, [Symbol.asyncDispose]: close };
}

const refusedNull = {
  error: 'invalid_input',
  requestId: null,
  fields: [expect.objectContaining({ loc: ['body'] })],
};
const accepted = (ordinal: number) => (message: Record<string, unknown>) =>
  message.accepted === ordinal;

describe('sluice/client realtime(): send(undefined) next to a valid input', () => {
  it('sends undefined as null, refused with invalid_input; the next input gets its own result', async () => {
    const { app, runs } = nullRefusingApp();
    await using gateway = await startGateway({ apps: [app] });
    const client = createClient({ baseUrl: gateway.url });
    const recording = recordingWebSocket();
    const seen = collector();
    const connection = client.realtime('rt/no-null', {
      webSocket: recording.webSocket,
      ...seen,
    });
    using _closed = { [Symbol.dispose]: () => connection.close() };
    connection.send(undefined);
    await settle(() => seen.answers.length === 1);
    expect(seen.answers).toEqual([refusedNull]);
    connection.send({ x: 3 });
    await settle(() => seen.answers.length === 2);
    await sleep(100); // room for a wrong extra answer
    const requestId = recording.connections[0]!.received.find(accepted(2))?.request_id;
    expect(requestId).toEqual(expect.any(String));
    expect(seen.answers).toEqual([refusedNull, { result: { doubled: 6 }, requestId }]);
    expect(runs).toEqual([3]);
    expect(recording.connections).toHaveLength(1);
    expect(recording.connections[0]!.sent).toEqual([null, { x: 3 }]);
    // The null counted as input 1 on the server, so the valid one is acknowledged as 2.
    expect(recording.connections[0]!.received).toEqual([
      expect.objectContaining({ type: 'x-fal-error', request_id: null, error: 'invalid_input' }),
      { type: 'x-fal-message', request_id: requestId, accepted: 2 },
      { doubled: 6, request_id: requestId },
    ]);
  });

  it('after the refused null, a dropped connection reattaches to the next input instead of running it again', async () => {
    await using opened = await openThroughProxy();
    const { runs, proxy, recording, seen, connection } = opened;
    connection.send(undefined);
    await settle(() => seen.answers.length === 1);
    expect(seen.answers).toEqual([refusedNull]);
    connection.send({ x: 3, delay_ms: 400 });
    await until(() => recording.connections[0]!.received.some(accepted(2)));
    const requestId = recording.connections[0]!.received.find(accepted(2))!.request_id;
    expect(proxy.severAll()).toBeGreaterThan(0);
    await settle(() => seen.answers.length === 2);
    await sleep(100);
    expect(seen.answers).toEqual([refusedNull, { result: { doubled: 6 }, requestId }]);
    expect(runs).toEqual([3]); // reattached, not run again
    expect(recording.connections[1]!.sent).toEqual([
      { type: 'x-sluice-attach', request_id: requestId },
    ]);
  });

  it('back to back on an open connection: both answered in order, and a drop still reattaches to the second', async () => {
    await using opened = await openThroughProxy();
    const { runs, proxy, recording, seen, connection } = opened;
    // Until the socket opens only the latest input waits: open it first. Once it is open,
    // with throttleMs 0 (the default) each send goes out at once, so neither is replaced.
    connection.send({ x: 5 });
    await until(() => seen.answers.length === 1);
    connection.send(undefined);
    connection.send({ x: 3, delay_ms: 400 });
    expect(recording.connections[0]!.sent).toEqual([{ x: 5 }, null, { x: 3, delay_ms: 400 }]);
    await settle(() => seen.answers.length === 2);
    expect(seen.answers[1]).toEqual(refusedNull);
    // The refusal answered input 2, not input 3, which is still running: it is acknowledged
    // as 3, and a drop now must reattach to it (no answer came for the latest input).
    await until(() => recording.connections[0]!.received.some(accepted(3)));
    const requestId = recording.connections[0]!.received.find(accepted(3))!.request_id;
    expect(proxy.severAll()).toBeGreaterThan(0);
    await settle(() => seen.answers.length === 3);
    await sleep(100);
    expect({
      answers: seen.answers.slice(1),
      runs,
      reconnected: recording.connections.length > 1,
      sentAfterTheDrop: recording.connections[1]?.sent,
    }).toEqual({
      answers: [refusedNull, { result: { doubled: 6 }, requestId }],
      runs: [5, 3],
      reconnected: true,
      sentAfterTheDrop: [{ type: 'x-sluice-attach', request_id: requestId }],
    });
  });
});
