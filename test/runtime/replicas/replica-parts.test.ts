import { describe, expect, it } from 'vitest';
import type { RunContext } from '../../../src/app/app-types.js';
import type { ServedEndpoint } from '../../../src/app/define-app.js';
import { SluiceError } from '../../../src/errors/sluice-error.js';
import { IpcRankTransport } from '../../../src/runtime/replica/ipc-rank-transport.js';
import type { ReplicaMessage } from '../../../src/runtime/replica/replica-protocol.js';
import { fromWireError, toWireError } from '../../../src/runtime/replica/replica-protocol.js';
import { trackSettlement } from '../../../src/runtime/replica/track-settlement.js';

function endpointOf(run: ServedEndpoint['run']): ServedEndpoint {
  return {
    path: '',
    description: undefined,
    input: undefined!,
    output: undefined,
    run,
    limits: {},
    retries: 0,
  };
}

const context = {} as RunContext;

describe('replica parts', () => {
  it('errors cross IPC with their code and message; anything else becomes internal', () => {
    const wire = toWireError(new SluiceError('worker_lost', 'The replica died'));
    expect(wire).toMatchObject({ code: 'worker_lost', message: 'The replica died' });
    // The detail (message, stack) goes along for the parent's log; cancellations carry none.
    expect(wire.detail).toMatchObject({ name: 'SluiceError', message: 'The replica died' });
    expect(toWireError(new SluiceError('cancelled', 'Cancelled')).detail).toBeUndefined();
    expect(fromWireError(wire)).toMatchObject({ code: 'worker_lost', status: 503 });
    expect(toWireError(new Error('secret'))).toEqual({
      code: 'internal',
      message: 'Internal server error',
    });
    expect(fromWireError({ code: 'nonsense' as 'internal', message: 'x' }).code).toBe('internal');
  });

  it('a rank transport keeps messages that arrive before anyone listens', () => {
    const sent: ReplicaMessage[] = [];
    const channel = {
      send: (message: ReplicaMessage) => void sent.push(message),
      onMessage: () => undefined,
    };
    const transport = new IpcRankTransport({ channel, runId: 4, rank: 1, worldSize: 2 });
    transport.deliver(0, 'early');
    const received: unknown[] = [];
    const stop = transport.onMessage((fromRank, message) => received.push([fromRank, message]));
    transport.deliver(0, new Float32Array([1, 2]));
    stop();
    transport.deliver(0, 'after unsubscribe');
    expect(received).toEqual([
      [0, 'early'],
      [0, new Float32Array([1, 2])],
    ]);
    transport.send(0, { hello: true });
    expect(sent).toEqual([{ kind: 'rank-send', runId: 4, toRank: 0, message: { hello: true } }]);
  });

  it('knows when a run function returns, even after its caller stopped waiting', async () => {
    let finish = () => undefined as void;
    const tracked = trackSettlement(
      endpointOf(() => new Promise<void>((resolve) => (finish = resolve))),
    );
    let settled = false;
    await tracked.settled(); // never ran: settled at once
    expect(tracked.returned()).toBe(true);
    void tracked.endpoint.run({}, context);
    void tracked.settled().then(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    expect(tracked.returned()).toBe(false);
    finish();
    await tracked.settled();
    expect(settled).toBe(true);
    expect(tracked.returned()).toBe(true);
  });

  it('knows when a generator is done, including one closed before it started', async () => {
    const steps: string[] = [];
    const tracked = trackSettlement(
      endpointOf(async function* () {
        steps.push('started');
        yield await Promise.resolve(1);
        return 2;
      }),
    );
    const unstarted = tracked.endpoint.run({}, context) as AsyncGenerator;
    await unstarted.return(undefined);
    await tracked.settled();
    expect(steps).toEqual([]);
    const generator = tracked.endpoint.run({}, context) as AsyncGenerator;
    expect(await generator.next()).toEqual({ value: 1, done: false });
    expect(await generator.next()).toEqual({ value: 2, done: true });
    await tracked.settled();
    expect(steps).toEqual(['started']);
  });
});
