import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import countdown from './fixtures/readme-countdown.js';
import { startGateway } from './support/gateway.js';
import { streamAll } from './support/sse-client.js';

const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
const tourApp = await readFile(new URL('./fixtures/readme-countdown.ts', import.meta.url), 'utf8');

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
  });
});
