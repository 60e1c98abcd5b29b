import type { ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { startCli } from '../support/cli-server.js';
import { readEvents, send } from '../support/sse-client.js';

const FIXTURE = 'test/fixtures/queue-apps.ts';

function exitCode(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

async function openStream(url: string, input: unknown) {
  return send(url, { method: 'POST', body: JSON.stringify(input) });
}

describe('graceful shutdown of sluice serve', () => {
  it('on SIGTERM lets a running stream finish, answers new requests 503, and exits 0', async () => {
    await using server = await startCli([FIXTURE, '--shutdown-deadline-ms', '10000']);
    const exchange = await openStream(`${server.url}/qtest/ticker/stream`, { n: 20, delay_ms: 50 });
    let signalled = false;
    const events = readEvents(exchange, (_event, all) => {
      if (all.length === 3 && !signalled) {
        signalled = true;
        server.child.kill('SIGTERM');
      }
      return undefined;
    });
    const exited = exitCode(server.child);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const refused = await fetch(`${server.url}/qtest/ticker`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"n":1}',
    });
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ error_type: 'app_unavailable' });
    const received = await events;
    expect(received.filter((event) => event.event === 'output')).toHaveLength(20);
    expect(received.at(-1)).toMatchObject({ event: 'result', data: '{"ticks":20}' });
    expect(await exited).toBe(0);
  });

  it('past the deadline cancels what still runs, with a terminal event on every stream', async () => {
    await using server = await startCli([FIXTURE, '--shutdown-deadline-ms', '200']);
    const streams = await Promise.all([
      openStream(`${server.url}/qtest/endless/stream`, {}),
      openStream(`${server.url}/qtest/endless/stream`, {}),
    ]);
    let signalled = false;
    const received = streams.map((exchange) =>
      readEvents(exchange, (_event, all) => {
        if (all.length === 2 && !signalled) {
          signalled = true;
          server.child.kill('SIGTERM');
        }
        return undefined;
      }),
    );
    for (const events of await Promise.all(received)) {
      const terminal = events.at(-1)!;
      expect(terminal.event).toBe('error');
      expect(JSON.parse(terminal.data)).toMatchObject({ code: 'cancelled' });
    }
    expect(await exitCode(server.child)).toBe(0);
  });
});
