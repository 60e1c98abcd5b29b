import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineApp } from '../../src/app/define-app.js';
import { SluiceError } from '../../src/errors/sluice-error.js';
import { startGateway } from '../support/gateway.js';
import { readEvents, send, streamAll, until } from '../support/sse-client.js';

const children = { running: 0, aborted: 0 };

/** The child: squares a number; 13 is unlucky; `/hang` waits for its cancel. */
const squareApp = defineApp({
  id: 'test/square',
  input: z.object({ n: z.number() }),
  endpoints: {
    '/hang': {
      input: z.object({ n: z.number() }),
      run: (_input, ctx) =>
        new Promise((_, reject) => {
          children.running += 1;
          ctx.signal.addEventListener('abort', () => {
            children.running -= 1;
            children.aborted += 1;
            reject(ctx.signal.reason as Error);
          });
        }),
    },
  },
  async run({ n }) {
    await new Promise((resolve) => setImmediate(resolve));
    if (n === 13) throw new SluiceError('invalid_input', 'Thirteen is unlucky');
    return { square: n * n };
  },
});

/** The parent: streams each child's output as it arrives. */
const fanApp = defineApp({
  id: 'test/fan',
  input: z.object({
    numbers: z.array(z.number()),
    target: z.string().default('test/square'),
    return_exceptions: z.boolean().default(false),
  }),
  async run({ numbers, target, return_exceptions }, ctx) {
    const inputs = numbers.map((n) => ({ n }));
    const options = { order: 'input' as const, returnExceptions: return_exceptions };
    let count = 0;
    for await (const output of ctx.map(target, inputs, options)) {
      ctx.emit(output instanceof SluiceError ? { error: output.code } : output);
      count += 1;
    }
    return { count };
  },
});

const payloads = (events: readonly { event?: string; data: string }[], type: string) =>
  events.filter((event) => event.event === type).map((event) => JSON.parse(event.data) as unknown);

describe('ctx.map through a real gateway', () => {
  it('runs each input as a child request and streams the outputs in input order', async () => {
    await using gateway = await startGateway({ apps: [squareApp, fanApp] });
    const events = await streamAll(`${gateway.url}/test/fan/stream`, { numbers: [1, 2, 3, 4] });
    expect(payloads(events, 'output')).toEqual([1, 4, 9, 16].map((square) => ({ square })));
    expect(payloads(events, 'result')).toEqual([{ count: 4 }]);
  });

  it('puts a failed child’s error in its slot with returnExceptions', async () => {
    await using gateway = await startGateway({ apps: [squareApp, fanApp] });
    const input = { numbers: [12, 13, 14], return_exceptions: true };
    const events = await streamAll(`${gateway.url}/test/fan/stream`, input);
    expect(payloads(events, 'output')).toEqual([
      { square: 144 },
      { error: 'invalid_input' },
      { square: 196 },
    ]);
  });

  it('fails the parent with the child’s error otherwise', async () => {
    await using gateway = await startGateway({ apps: [squareApp, fanApp] });
    const events = await streamAll(`${gateway.url}/test/fan/stream`, { numbers: [13] });
    expect(payloads(events, 'error')).toEqual([
      expect.objectContaining({ code: 'invalid_input' }) as unknown,
    ]);
  });

  it('fails with not_found for a target the gateway does not serve', async () => {
    await using gateway = await startGateway({ apps: [squareApp, fanApp] });
    const input = { numbers: [1], target: 'test/nowhere' };
    const events = await streamAll(`${gateway.url}/test/fan/stream`, input);
    expect(payloads(events, 'error')).toEqual([
      expect.objectContaining({ code: 'not_found' }) as unknown,
    ]);
  });

  it('cancels the children when the parent’s client leaves', async () => {
    await using gateway = await startGateway({ apps: [squareApp, fanApp], cancelGraceMs: 0 });
    const before = children.aborted;
    const body = JSON.stringify({ numbers: [1, 2, 3], target: 'test/square/hang' });
    const exchange = await send(`${gateway.url}/test/fan/stream`, { method: 'POST', body });
    const reading = readEvents(exchange).catch(() => []);
    await until(() => children.running === 3);
    exchange.request.destroy();
    await reading;
    await until(() => children.aborted === before + 3 && children.running === 0);
  });
});
