import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { z } from 'zod';
import { defineApp } from '../../src/app/define-app.js';
import { createClient } from '../../src/client/create-client.js';
import type { SluiceError } from '../../src/errors/sluice-error.js';
import { LatestInput } from '../../src/client/latest-input.js';
import type { WebSocketConstructor } from '../../src/client/realtime-types.js';
import { startTcpProxy } from '../browser-support/tcp-proxy.js';
import { startGateway } from '../support/gateway.js';
import { doubleApp, recordingWebSocket } from './realtime-support.js';

const webSocket = WebSocket as unknown as WebSocketConstructor;

function collector() {
  const results: { output: unknown; requestId: string }[] = [];
  const errors: SluiceError[] = [];
  const events: string[] = [];
  const until = async (ready: () => boolean) => {
    for (let wait = 0; !ready() && wait < 500; wait++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect(ready()).toBe(true);
  };
  return { results, errors, events, until };
}

describe('LatestInput (pure pacing)', () => {
  it('keeps only the newest input while the socket is not open, then sends it', () => {
    const sent: number[] = [];
    let open = false;
    const pacer = new LatestInput<number>(0, (input) => open && sent.push(input) > 0);
    pacer.offer(1);
    pacer.offer(2);
    expect(sent).toEqual([]);
    open = true;
    pacer.flush();
    expect(sent).toEqual([2]);
    pacer.offerIfEmpty(9);
    expect(sent).toEqual([2, 9]);
  });
});

describe('sluice/client realtime() in Node', () => {
  it('gets a token with its key, sends inputs and receives each output with its request id', async () => {
    await using gateway = await startGateway({ apps: [doubleApp], apiKeys: ['key-1'] });
    const client = createClient<[typeof doubleApp]>({ baseUrl: gateway.url, apiKey: 'key-1' });
    const seen = collector();
    const connection = client.realtime('rt/double', {
      webSocket,
      onResult: (output, { requestId }) => seen.results.push({ output, requestId }),
      onEvent: (event) => seen.events.push(event.type),
      onError: (error) => seen.errors.push(error),
    });
    connection.send({ x: 1 });
    await seen.until(() => seen.results.length === 1);
    expect(seen.results[0]).toEqual({
      output: { doubled: 2 },
      requestId: expect.any(String) as string,
    });
    expect(seen.events).toContain('output');
    connection.send({ x: 'bad' } as never);
    await seen.until(() => seen.errors.length === 1);
    expect(seen.errors[0]!.code).toBe('invalid_input');
    connection.close();
  });

  it('with throttleMs, sends only the latest of a burst', async () => {
    await using gateway = await startGateway({ apps: [doubleApp] });
    const client = createClient({ baseUrl: gateway.url });
    const seen = collector();
    const connection = client.realtime('rt/double', {
      webSocket,
      throttleMs: 200,
      onResult: (output, { requestId }) => seen.results.push({ output, requestId }),
    });
    for (let x = 1; x <= 20; x++) connection.send({ x });
    await seen.until(() =>
      seen.results.some(({ output }) => (output as { doubled: number }).doubled === 40),
    );
    expect(seen.results.length).toBeLessThanOrEqual(3);
    connection.close();
  });

  it('reconnects after the server drops the connection and sends the unanswered input again', async () => {
    await using gateway = await startGateway({ apps: [doubleApp] });
    await using proxy = await startTcpProxy({ target: gateway.url });
    const client = createClient({ baseUrl: proxy.url, retry: { initialDelayMs: 10 } });
    const seen = collector();
    const connection = client.realtime('rt/double', {
      webSocket,
      onResult: (output, { requestId }) => seen.results.push({ output, requestId }),
    });
    connection.send({ x: 1 });
    await seen.until(() => seen.results.length === 1);
    // A slow input, then the connection is severed without a close frame.
    connection.send({ x: 2, delay_ms: 300 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(proxy.severAll()).toBeGreaterThan(0);
    await seen.until(() => seen.results.length === 2);
    expect(seen.results[1]!.output).toEqual({ doubled: 4 });
    connection.close();
  });

  it('reports an input past maxMessageBytes once, as payload_too_large, and goes on', async () => {
    const app = defineApp({
      id: 'rt/small',
      input: z.object({ text: z.string() }),
      run: ({ text }) => ({ length: text.length }),
      realtime: { maxMessageBytes: 1024 },
    });
    await using gateway = await startGateway({ apps: [app] });
    const client = createClient({ baseUrl: gateway.url, retry: { initialDelayMs: 10 } });
    const recording = recordingWebSocket();
    const seen = collector();
    const connection = client.realtime('rt/small', {
      webSocket: recording.webSocket as unknown as WebSocketConstructor,
      onResult: (output, { requestId }) => seen.results.push({ output, requestId }),
      onError: (error) => seen.errors.push(error),
    });
    connection.send({ text: 'x'.repeat(4096) });
    await seen.until(() => seen.errors.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 200)); // room to (wrongly) send it again
    expect(seen.errors.map((error) => error.code)).toEqual(['payload_too_large']);
    expect(recording.connections).toHaveLength(1);
    connection.send({ text: 'short' });
    await seen.until(() => seen.results.length === 1);
    expect(seen.results[0]!.output).toEqual({ length: 5 });
    connection.close();
  });

  it('counts a WebSocket that cannot be made as a failed connection, reported once retries are spent', async () => {
    const client = createClient({
      baseUrl: 'http://127.0.0.1:9',
      retry: { initialDelayMs: 1, attempts: 2 },
    });
    const seen = collector();
    let attempts = 0;
    class Refusing {
      constructor() {
        attempts++;
        throw new SyntaxError('The URL is not valid');
      }
    }
    const connection = client.realtime('rt/double', {
      webSocket: Refusing as unknown as WebSocketConstructor,
      onResult: (output, { requestId }) => seen.results.push({ output, requestId }),
      onError: (error) => seen.errors.push(error),
    });
    connection.send({ x: 1 });
    await seen.until(() => seen.errors.length === 1);
    expect(seen.errors[0]!.code).toBe('app_unavailable');
    expect(attempts).toBe(3); // the first and two retries
    connection.close();
  });

  it('stops reconnecting when closed during the backoff after a drop', async () => {
    await using gateway = await startGateway({ apps: [doubleApp], apiKeys: ['key-1'] });
    await using proxy = await startTcpProxy({ target: gateway.url });
    const client = createClient({
      baseUrl: proxy.url,
      apiKey: 'key-1', // each connection first asks for a token, with the client's signal
      retry: { initialDelayMs: 100 },
    });
    const recording = recordingWebSocket();
    const seen = collector();
    const connection = client.realtime('rt/double', {
      webSocket: recording.webSocket as unknown as WebSocketConstructor,
      onResult: (output, { requestId }) => seen.results.push({ output, requestId }),
      onError: (error) => seen.errors.push(error),
    });
    connection.send({ x: 1, delay_ms: 500 });
    await seen.until(() => recording.connections[0]?.received.length === 1); // its ack
    expect(proxy.severAll()).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 20)); // the drop is seen; backoff starts
    connection.close();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(recording.connections).toHaveLength(1);
    expect(seen.errors).toEqual([]);
    connection.send({ x: 2 }); // a closed connection takes nothing
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(recording.connections).toHaveLength(1);
  });
});
