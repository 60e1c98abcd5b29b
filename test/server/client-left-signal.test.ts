import { once } from 'node:events';
import { createServer, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ClientLeftSignal } from '../../src/server/client-left-signal.js';
import { until } from '../support/sse-client.js';

/** A real server whose handler keeps each response open and hands it to the test. */
async function heldResponses() {
  const responses: ServerResponse[] = [];
  const server = createServer((_request, response) => void responses.push(response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const call = () => {
    const outgoing = request({ host: '127.0.0.1', port, path: '/' });
    outgoing.on('error', () => undefined); // destroyed on purpose
    outgoing.end();
    return outgoing;
  };
  const close = () => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { responses, call, close };
}

describe('ClientLeftSignal', () => {
  it('aborts when the client leaves, and not once it stopped watching', async () => {
    const held = await heldResponses();
    try {
      const leaving = held.call();
      const staying = held.call();
      await until(() => Promise.resolve(held.responses.length === 2));
      const [first, second] = held.responses as [ServerResponse, ServerResponse];
      const left = new ClientLeftSignal(first);
      const answered = new ClientLeftSignal(second);
      const aborts: string[] = [];
      left.addEventListener('abort', () => aborts.push('left'));
      answered.addEventListener('abort', () => aborts.push('answered'));
      expect(left.aborted).toBe(false);
      answered.stopWatching();
      // Both responses' `close` seen here, after any listener the signals still had on it.
      const closed = Promise.all([once(first, 'close'), once(second, 'close')]);
      leaving.destroy();
      staying.destroy();
      await closed;
      expect(aborts).toEqual(['left']);
      expect(answered.aborted).toBe(false);
    } finally {
      await held.close();
    }
  });

  it('is aborted from the start for a client that left already', async () => {
    const held = await heldResponses();
    try {
      const leaving = held.call();
      await until(() => Promise.resolve(held.responses.length === 1));
      leaving.destroy();
      const response = held.responses[0]!;
      await until(() => Promise.resolve(response.destroyed));
      expect(new ClientLeftSignal(response).aborted).toBe(true);
    } finally {
      await held.close();
    }
  });
});
