import { describe, expect, it } from 'vitest';
import { hangLog, inlineApps } from '../../fixtures/child-stream-apps.js';
import { startGateway } from '../../support/gateway.js';
import { streamAll } from '../../support/sse-client.js';
import { describeChildStream } from './child-stream-cases.js';

const apps = [inlineApps.parent, inlineApps.child];

describeChildStream({
  name: 'inline',
  apps: inlineApps,
  async start() {
    const gateway = await startGateway({ apps });
    return {
      url: gateway.url,
      cancel: (requestId) => gateway.dispatcher.cancel(requestId),
      hanging: () => hangLog.running,
      [Symbol.asyncDispose]: () => gateway.close(),
    };
  },
});

describe('ctx.stream misused', () => {
  const errorOf = async (url: string, mode: string) => {
    const events = await streamAll(`${url}/${inlineApps.parent.id}/stream`, { mode });
    expect(events.at(-1)?.event).toBe('error');
    return JSON.parse(events.at(-1)!.data) as { code: string; message: string };
  };

  it('reading a stream twice, or forwarding what cannot be forwarded, fails with app_error', async () => {
    await using gateway = await startGateway({ apps });
    expect(await errorOf(gateway.url, 'twice')).toMatchObject({
      code: 'app_error',
      message: 'A ctx.stream can be read once',
    });
    expect(await errorOf(gateway.url, 'bad-forward')).toMatchObject({
      code: 'app_error',
      message: expect.stringContaining('options.forward') as string,
    });
  });

  it('a child the gateway does not serve is not_found, and nothing is left running', async () => {
    await using gateway = await startGateway({ apps: [inlineApps.parent] });
    expect(await errorOf(gateway.url, 'iterate')).toMatchObject({ code: 'not_found' });
    expect(gateway.dispatcher.activeRuns).toBe(0);
  });
});
