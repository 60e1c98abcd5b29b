import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineApp } from '../../../src/app/define-app.js';
import { retryNotice } from '../../../src/cluster/remote-run.js';
import { startGateway, type TestGateway } from '../../support/gateway.js';
import { streamAll } from '../../support/sse-client.js';

let gateway: TestGateway | undefined;

/** A child whose log holds the notice of a retried request's new attempt, as a Redis deployment writes it. */
const retriedChild = defineApp({
  id: 'cs/retried-child',
  input: z.object({}),
  async run(_input, ctx) {
    await gateway!.eventLog.append(ctx.requestId, [retryNotice(2, 1)]);
    return { done: true };
  },
});

const forwardingParent = defineApp({
  id: 'cs/forwarding-parent',
  input: z.object({}),
  run: async (_input, ctx) => ctx.stream('cs/retried-child', {}, { forward: ['log'] }).result,
});

describe('ctx.stream forwarding a retried child’s log', () => {
  it('forwards the child’s notice that it started again without its attempt: the parent did not', async () => {
    await using started = await startGateway({ apps: [forwardingParent, retriedChild] });
    gateway = started;
    const events = await streamAll(`${started.url}/cs/forwarding-parent/stream`, {});
    const logs = events.filter((event) => event.event === 'log');
    expect(logs).toHaveLength(1);
    const notice = JSON.parse(logs[0]!.data) as Record<string, unknown>;
    expect(notice).toMatchObject({ level: 'warn' });
    expect(String(notice.message)).toContain('starting again (attempt 2 of 2)');
    expect(notice).not.toHaveProperty('attempt');
    expect(events.at(-1)).toMatchObject({ event: 'result' });
  });
});
