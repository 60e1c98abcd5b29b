import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { createClient } from '../../src/client/create-client.js';
import type { WebSocketConstructor } from '../../src/client/realtime-types.js';
import type { SluiceError } from '../../src/errors/sluice-error.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const webSocket = WebSocket as unknown as WebSocketConstructor;

async function until(ready: () => boolean): Promise<void> {
  for (let wait = 0; !ready() && wait < 300; wait++) await sleep(10);
  expect(ready()).toBe(true);
}

/** One connection the scripted server accepted: its URL and the inputs it read. */
interface ScriptedConnection {
  readonly url: string;
  readonly received: unknown[];
}

/** How the scripted server answers. */
interface Script {
  /** Send the `accepted` frame (as sluice does for `acks=1`) before each result. */
  readonly acks: boolean;
  /** After answering on the second connection, close it as idle (1000) this many ms later. */
  readonly idleCloseAfterMs?: number;
}

/**
 * A `ws` server on 127.0.0.1:0 that plays a sluice realtime endpoint: its first connection
 * reads the first input and closes with 1000 (`idle timeout`) without answering, as a
 * session does when an input crosses its idle close; every later connection answers each
 * input as sluice does (`{...output, request_id}`, after an ack when asked).
 */
async function startScriptedRealtime(script: Script) {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const connections: ScriptedConnection[] = [];
  const requestIds: string[] = [];
  server.on('connection', (socket, request) => {
    const connection: ScriptedConnection = { url: request.url ?? '', received: [] };
    const index = connections.push(connection) - 1;
    let ordinal = 0;
    socket.on('message', (data) => {
      const input = JSON.parse((data as Buffer).toString('utf8')) as { x: number };
      connection.received.push(input);
      if (index === 0) return socket.close(1000, 'idle timeout');
      const requestId = randomUUID();
      requestIds.push(requestId);
      ordinal++;
      if (script.acks)
        socket.send(
          JSON.stringify({ type: 'x-fal-message', request_id: requestId, accepted: ordinal }),
        );
      socket.send(JSON.stringify({ doubled: input.x * 2, request_id: requestId }));
      if (index === 1 && script.idleCloseAfterMs !== undefined)
        setTimeout(() => socket.close(1000, 'idle timeout'), script.idleCloseAfterMs);
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections,
    requestIds,
    [Symbol.asyncDispose]: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}

function collector() {
  const results: { output: unknown; requestId: string }[] = [];
  const errors: SluiceError[] = [];
  return {
    results,
    errors,
    onResult: (output: unknown, { requestId }: { requestId: string }) =>
      void results.push({ output, requestId }),
    onError: (error: SluiceError) => void errors.push(error),
  };
}

describe('sluice/client realtime(): an input that crossed a normal (1000) close', () => {
  for (const acks of [true, false]) {
    it(`is sent again on a new connection and answered once (${acks ? 'with' : 'without'} acks)`, async () => {
      await using server = await startScriptedRealtime({ acks });
      const client = createClient({ baseUrl: server.url, retry: { initialDelayMs: 10 } });
      const seen = collector();
      const connection = client.realtime('rt/double', { webSocket, ...seen });
      connection.send({ x: 21 });
      await until(() => seen.results.length === 1);
      expect(seen.results[0]).toEqual({ output: { doubled: 42 }, requestId: server.requestIds[0] });
      // Room for a wrong second answer, or a third connection.
      await sleep(200);
      expect(seen.results).toHaveLength(1);
      expect(seen.errors).toEqual([]);
      expect(server.connections).toEqual([
        { url: '/rt/double/realtime?acks=1', received: [{ x: 21 }] },
        { url: '/rt/double/realtime?acks=1', received: [{ x: 21 }] },
      ]);
      connection.close();
    });
  }

  it('once answered, is not sent again when the next connection closes idle', async () => {
    await using server = await startScriptedRealtime({ acks: true, idleCloseAfterMs: 50 });
    const client = createClient({ baseUrl: server.url, retry: { initialDelayMs: 10 } });
    const seen = collector();
    const connection = client.realtime('rt/double', { webSocket, ...seen });
    connection.send({ x: 21 });
    await until(() => seen.results.length === 1);
    // The second connection closes 50 ms after its answer: nothing is unanswered, so the
    // client reopens only on the next send.
    await sleep(300);
    expect({ connections: server.connections, results: seen.results.length }).toEqual({
      connections: [
        { url: '/rt/double/realtime?acks=1', received: [{ x: 21 }] },
        { url: '/rt/double/realtime?acks=1', received: [{ x: 21 }] },
      ],
      results: 1,
    });
    expect(seen.errors).toEqual([]);
    connection.close();
  });
});
