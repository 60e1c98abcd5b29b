import { describe, expect, it } from 'vitest';
import type { App } from '../../../src/app/define-app.js';
import { readEvents, send, streamAll, until, type ParsedEvent } from '../../support/sse-client.js';

/** A deployment serving a parent and child of `test/fixtures/child-stream-apps.ts`. */
export interface ChildStreamDeployment extends AsyncDisposable {
  readonly url: string;
  /** Cancels a request as `PUT …/cancel` would. */
  readonly cancel: (requestId: string) => Promise<unknown>;
  /** How many runs of the child's `/hang` endpoint are running now. */
  readonly hanging: () => number | Promise<number>;
}

/** How a suite starts its deployment, and which apps it serves. */
export interface ChildStreamBackend {
  readonly name: string;
  readonly apps: { readonly parent: App; readonly child: App };
  readonly start: () => Promise<ChildStreamDeployment>;
}

interface ChildOutput {
  readonly type: string;
  readonly id: number;
  readonly data: Record<string, unknown>;
}

const dataOf = (event: ParsedEvent) => JSON.parse(event.data) as Record<string, unknown>;
const ofType = (events: readonly ParsedEvent[], type: string) =>
  events.filter((event) => event.event === type).map(dataOf);
const STEPS = [1, 2, 3, 4, 5];

/**
 * The behaviour of `ctx.stream` every backend must show: the child's events in order and
 * its result, events passed through, its failure caught or not, and cancellation both ways.
 */
export function describeChildStream(backend: ChildStreamBackend): void {
  const { parent } = backend.apps;
  const streamUrl = (url: string) => `${url}/${parent.id}/stream`;

  describe(`ctx.stream (${backend.name})`, () => {
    it('yields the child’s events in order, then its result', async () => {
      await using deployment = await backend.start();
      const events = await streamAll(streamUrl(deployment.url), { steps: 5 });
      const seen = ofType(events, 'output') as unknown as ChildOutput[];
      const ids = seen.map((event) => event.id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(new Set(ids).size).toBe(ids.length);
      const outputs = seen.filter((event) => event.type === 'output').map((event) => event.data);
      expect(outputs).toEqual(STEPS.map((step) => ({ step })));
      const logs = seen.filter((event) => event.type === 'log').map((event) => event.data.message);
      expect(logs).toEqual(STEPS.map((step) => `step ${step} done`));
      const progress = seen.filter((event) => event.type === 'progress').map((event) => event.data);
      expect(progress.at(-1)).toEqual({ step: 5, total: 5, progress: 1, message: 'step 5' });
      expect(seen.at(-1)?.type).toBe('preview');
      const [result] = ofType(events, 'result');
      expect(result).toMatchObject({ child: { done: 5 } });
    });

    it('passes the child’s events through as the parent’s own with `forward`', async () => {
      await using deployment = await backend.start();
      const events = await streamAll(streamUrl(deployment.url), { steps: 5, mode: 'forward' });
      expect(ofType(events, 'output')).toEqual(STEPS.map((step) => ({ step })));
      expect(ofType(events, 'log').map((log) => log.message)).toEqual(
        STEPS.map((step) => `step ${step} done`),
      );
      expect(ofType(events, 'progress').at(-1)).toMatchObject({ step: 5, total: 5 });
      expect(ofType(events, 'preview')).toEqual([
        {
          image: expect.objectContaining({
            content_type: 'image/jpeg',
            width: 2,
            height: 2,
          }) as unknown,
        },
      ]);
      expect(ofType(events, 'result')).toEqual([
        { child: expect.objectContaining({ done: 5 }) as unknown },
      ]);
    });

    it('a child’s failure reaches the parent as a SluiceError with the child’s code', async () => {
      await using deployment = await backend.start();
      const caught = await streamAll(streamUrl(deployment.url), { fail_at: 2, mode: 'catch' });
      expect(ofType(caught, 'result')).toEqual([
        { caught: 'invalid_input', message: 'Step 2 is unlucky' },
      ]);
      const uncaught = await streamAll(streamUrl(deployment.url), { fail_at: 2 });
      const outputs = (ofType(uncaught, 'output') as unknown as ChildOutput[])
        .filter((event) => event.type === 'output')
        .map((event) => event.data);
      // What a run emits just before it throws is sent before its error, step 2's included.
      expect(outputs).toEqual([{ step: 1 }, { step: 2 }]);
      expect(uncaught.at(-1)?.event).toBe('error');
      expect(dataOf(uncaught.at(-1)!)).toMatchObject({
        code: 'invalid_input',
        message: 'Step 2 is unlucky',
      });
    });

    it('cancelling the parent cancels the child', async () => {
      await using deployment = await backend.start();
      const exchange = await send(streamUrl(deployment.url), {
        method: 'POST',
        body: JSON.stringify({ mode: 'hang' }),
      });
      const requestId = String(exchange.response.headers['x-request-id']);
      let holding = false;
      const events = readEvents(exchange, (event) => void (holding ||= event.event === 'output'));
      await until(async () => holding && (await deployment.hanging()) === 1, 20_000);
      await deployment.cancel(requestId);
      const all = await events;
      expect(ofType(all, 'output')).toEqual([{ child: { holding: true } }]);
      expect(all.at(-1)?.event).toBe('error');
      expect(dataOf(all.at(-1)!)).toMatchObject({ code: 'cancelled' });
      await until(async () => (await deployment.hanging()) === 0, 20_000);
    });

    it('leaving the loop early cancels the child', async () => {
      await using deployment = await backend.start();
      const events = await streamAll(streamUrl(deployment.url), { mode: 'leave' });
      expect(ofType(events, 'result')).toEqual([
        { left: true, pid: expect.any(Number) as unknown },
      ]);
      await until(async () => (await deployment.hanging()) === 0, 20_000);
    });
  });
}
