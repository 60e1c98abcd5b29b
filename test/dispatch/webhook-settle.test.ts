import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { WEBHOOK_SETTLE_MS } from '../../src/dispatch/dispatch-defaults.js';
import { startGatewayOn } from '../support/gateway.js';
import { until } from '../support/sse-client.js';
import { countApp } from '../support/test-apps.js';
import { QueueClient } from '../queue/queue-client.js';

interface SilentReceiver extends AsyncDisposable {
  readonly url: string;
  /** Deliveries received (and never answered). */
  readonly received: number;
}

/** A webhook receiver on loopback that reads each delivery and never answers it. */
async function startSilentReceiver(): Promise<SilentReceiver> {
  let received = 0;
  const server = createServer((request: IncomingMessage) => {
    request.resume();
    request.on('end', () => received++);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    get received() {
      return received;
    },
    [Symbol.asyncDispose]: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** One attempt that would wait a minute for its answer: only the shutdown's settle time ends it. */
const PATIENT = { attempts: 1, baseDelayMs: 5, timeoutMs: 60_000 };
/** Room for the rest of the shutdown on a busy machine. */
const SLACK_MS = 3_000;

describe.each(['memory', 'redis'] as const)('shutdown on %s', (backend) => {
  it('waits for a webhook still in delivery for the settle time every backend shares', async () => {
    await using receiver = await startSilentReceiver();
    const gateway = await startGatewayOn(backend, { apps: [countApp], webhook: PATIENT });
    let closing = 0;
    try {
      const queue = new QueueClient(gateway.url, 'test/count');
      const query = `fal_webhook=${encodeURIComponent(receiver.url)}`;
      await queue.submitId({ n: 1 }, { query });
      await until(() => receiver.received === 1);
      closing = Date.now();
    } finally {
      await gateway[Symbol.asyncDispose](); // closes the gateway (and deletes its Redis prefix)
    }
    const waited = Date.now() - closing;
    expect(waited).toBeGreaterThanOrEqual(WEBHOOK_SETTLE_MS - 50);
    expect(waited).toBeLessThan(WEBHOOK_SETTLE_MS + SLACK_MS);
  });
});
