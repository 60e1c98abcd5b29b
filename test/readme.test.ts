import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import countdown from './fixtures/readme-countdown.js';
import { startGateway } from './support/gateway.js';
import {
  parseEvents,
  readEvents,
  send,
  streamAll,
  type ParsedEvent,
} from './support/sse-client.js';

const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
const tourApp = await readFile(new URL('./fixtures/readme-countdown.ts', import.meta.url), 'utf8');

/** The tour's SSE excerpt: the code block that starts with `: open`. */
function tourStream(): ParsedEvent[] {
  const start = readme.indexOf('```\n: open\n');
  const end = readme.indexOf('```', start + 3);
  return parseEvents(`${readme.slice(start + 4, end).replace('…\n', '')}\n`);
}

/** An event's payload without the fields that differ from run to run. */
function stable(event: ParsedEvent): unknown {
  const {
    loadedAt: _loadedAt,
    timestamp: _timestamp,
    ...rest
  } = JSON.parse(event.data) as Record<string, unknown>;
  return { id: event.id, event: event.event, data: rest };
}

describe('the README tour', () => {
  it('shows the app that the test suite type-checks and serves', () => {
    expect(readme).toContain('```ts\n// apps/countdown.ts\n' + tourApp + '```');
  });

  it('opens with the two commands', () => {
    const firstBlock = readme.slice(
      readme.indexOf('```sh'),
      readme.indexOf('```', readme.indexOf('```sh') + 5),
    );
    expect(firstBlock).toContain('npm install && npm start');
    expect(firstBlock).toContain('npm test');
  });

  it('streams as the tour says', async () => {
    await using gateway = await startGateway({ apps: [countdown] });
    const events = await streamAll(`${gateway.url}/demo/countdown/stream`, {
      from: 3,
      delay_ms: 1,
    });
    expect(events.map((event) => event.event)).toEqual([
      'progress',
      'output',
      'progress',
      'output',
      'progress',
      'output',
      'log',
      'result',
    ]);
    expect(JSON.parse(events.at(-1)!.data)).toMatchObject({ done: true });
    const shown = tourStream();
    expect(shown.map((event) => event.id)).toEqual(['1', '2', '7', '8']);
    for (const event of shown)
      expect(stable(events.find((served) => served.id === event.id)!)).toEqual(stable(event));
  });

  it('resumes as the tour says: after id 2 of an ended run come ids 4 to 8', async () => {
    await using gateway = await startGateway({ apps: [countdown] });
    const { response } = await send(`${gateway.url}/demo/countdown/stream`, {
      method: 'POST',
      body: JSON.stringify({ from: 3, delay_ms: 1 }),
    });
    const requestId = String(response.headers['x-request-id']);
    response.resume();
    await new Promise((resolve) => response.once('end', resolve));
    const resumed = await readEvents(
      await send(`${gateway.url}/demo/countdown/requests/${requestId}/stream`, {
        headers: { 'last-event-id': '2' },
      }),
    );
    expect(resumed.map((event) => event.id)).toEqual(['4', '5', '6', '7', '8']);
    expect(readme).toContain('sends ids 4 to 8');
  });
});
