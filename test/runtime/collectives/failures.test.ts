import { describe, expect, it } from 'vitest';
import { SluiceError } from '../../../src/errors/sluice-error.js';
import { isCollectiveMessage } from '../../../src/runtime/collectives/collective-message.js';
import { startGroup, turns, watch } from './group.js';

const sluiceError = (code: string, message: RegExp | string): unknown =>
  expect.objectContaining({
    name: 'SluiceError',
    code,
    message: expect.stringMatching(message) as unknown,
  }) as unknown;

describe('collective timeouts', () => {
  it('fail the waiting ranks with timeout, naming the ranks that never came', async () => {
    using group = startGroup(4, { timeoutMs: 40 });
    const [zero, one] = [group.rank(0), group.rank(1)];
    const calls = [zero.allGather('a'), one.allGather('b')];
    const results = await Promise.allSettled(calls);
    for (const result of results) {
      expect(result).toMatchObject({
        status: 'rejected',
        reason: sluiceError(
          'timeout',
          /^allGather #1 timed out after 40 ms waiting for ranks 2, 3$/,
        ),
      });
    }
    expect((results[0] as PromiseRejectedResult).reason).toBeInstanceOf(SluiceError);
  });

  it('fail every rank of an allReduce with the ranks rank 0 missed, late ranks included', async () => {
    using group = startGroup(4, { timeoutMs: 40 });
    const expected = sluiceError(
      'timeout',
      /^allReduce #1 timed out after 40 ms waiting for ranks 2, 3$/,
    );
    const early = [group.rank(0), group.rank(1)].map((ranks) => ranks.allReduce(1, 'sum'));
    for (const result of await Promise.allSettled(early)) {
      expect(result).toMatchObject({ status: 'rejected', reason: expected });
    }
    await expect(group.rank(3).allReduce(1, 'sum')).rejects.toEqual(expected);
  });

  it('name rank 0 when the rank that reduces never comes', async () => {
    using group = startGroup(3, { timeoutMs: 20 });
    const waiting = [group.rank(1), group.rank(2)].map((ranks) => ranks.allReduce([1], 'max'));
    for (const result of await Promise.allSettled(waiting)) {
      expect(result).toMatchObject({
        status: 'rejected',
        reason: sluiceError('timeout', /^allReduce #1 timed out after 20 ms waiting for rank 0$/),
      });
    }
  });

  it('name the one missing rank, and honour a per-call timeout', async () => {
    using group = startGroup(3);
    const [zero, one] = [group.rank(0), group.rank(1)];
    void one.barrier().catch(() => undefined);
    await expect(zero.barrier({ timeoutMs: 30 })).rejects.toEqual(
      sluiceError('timeout', /^barrier #1 timed out after 30 ms waiting for rank 2$/),
    );
  });

  it('name the root when a broadcast never comes', async () => {
    using group = startGroup(3, { timeoutMs: 30 });
    await expect(group.rank(1).broadcast(null, { root: 2 })).rejects.toEqual(
      sluiceError('timeout', /waiting for rank 2$/),
    );
  });

  it('name the ranks a gather root still waits for', async () => {
    using group = startGroup(4, { timeoutMs: 30 });
    const [zero, two] = [group.rank(0), group.rank(2)];
    await expect(two.gather('late')).resolves.toBeUndefined();
    await expect(zero.gather('root')).rejects.toEqual(
      sluiceError('timeout', /^gather #1 timed out after 30 ms waiting for ranks 1, 3$/),
    );
  });
});

describe('collective ordering', () => {
  it('buffers messages that arrive before their call is made', async () => {
    using group = startGroup(2);
    const [zero, one] = [group.rank(0), group.rank(1)];
    const early = Promise.all([one.allGather('one-a'), one.allGather('one-b')]);
    await turns(5);
    const late = await Promise.all([zero.allGather('zero-a'), zero.allGather('zero-b')]);
    expect(late).toEqual([
      ['zero-a', 'one-a'],
      ['zero-b', 'one-b'],
    ]);
    expect(await early).toEqual(late);
  });

  it('matches messages that arrive in reverse order to their own calls', async () => {
    const held: (() => void)[] = [];
    using group = startGroup(2, {
      route: ({ from, deliver }) => (from === 1 ? held.push(deliver) : deliver()),
    });
    const [zero, one] = [group.rank(0), group.rank(1)];
    const atZero = Promise.all([1, 2, 3].map((call) => zero.gather(`zero-${call}`)));
    for (const call of [1, 2, 3]) await one.gather(`one-${call}`);
    expect(held).toHaveLength(3);
    for (const deliver of held.reverse()) deliver();
    expect(await atZero).toEqual([
      ['zero-1', 'one-1'],
      ['zero-2', 'one-2'],
      ['zero-3', 'one-3'],
    ]);
  });

  it('never lets a late message from call k satisfy call k + 1', async () => {
    const held = new Map<number, () => void>();
    const route = ({
      from,
      message,
      deliver,
    }: {
      from: number;
      message: unknown;
      deliver: () => void;
    }) => {
      if (from === 1 && isCollectiveMessage(message)) held.set(message.seq, deliver);
      else deliver();
    };
    using group = startGroup(2, { route, timeoutMs: 30 });
    const [zero, one] = [group.rank(0), group.rank(1)];
    await one.gather('from call 1');
    await expect(zero.gather('root 1')).rejects.toEqual(sluiceError('timeout', /^gather #1/));
    await one.gather('from call 2');
    const second = zero.gather('root 2', { timeoutMs: 5_000 });
    const progress = watch(second);
    held.get(1)?.();
    await turns(5);
    expect(progress.settled).toBe(false);
    held.get(2)?.();
    expect(await second).toEqual(['root 2', 'from call 2']);
  });

  it('fails both ranks’ call when ranks call different collectives at the same point', async () => {
    using group = startGroup(2, { timeoutMs: 5_000 });
    const [zero, one] = [group.rank(0), group.rank(1)];
    const results = await Promise.allSettled([zero.allGather(0), one.allReduce(1, 'sum')]);
    expect(results[0]).toMatchObject({
      reason: sluiceError(
        'app_error',
        /^Collective #1: rank 1 called allReduce \(sum\) where this rank called allGather;/,
      ),
    });
    expect(results[1]).toMatchObject({
      reason: sluiceError(
        'app_error',
        /rank 0 called allGather where this rank called allReduce \(sum\)/,
      ),
    });
  });

  it('fails when a rank receives another operation or root than it called', async () => {
    using group = startGroup(2, { timeoutMs: 5_000 });
    const [zero, one] = [group.rank(0), group.rank(1)];
    const atZero = zero.gather(0, { root: 0 });
    await one.broadcast('y', { root: 1 });
    await expect(atZero).rejects.toEqual(
      sluiceError(
        'app_error',
        /rank 1 called broadcast \(root 1\) where this rank called gather \(root 0\)/,
      ),
    );
  });
});

describe('allReduce shapes', () => {
  it('fails with app_error when lengths differ, saying both', async () => {
    using group = startGroup(3, { timeoutMs: 5_000 });
    const lengths = [4, 4, 3];
    const results = await group.all((ranks) =>
      ranks
        .allReduce(new Float32Array(lengths[ranks.rank] ?? 0), 'sum')
        .catch((error: unknown) => error),
    );
    for (const result of results) {
      expect(result).toEqual(
        sluiceError(
          'app_error',
          'allReduce: rank 2 sent 3 elements where rank 0 sent 4; lengths must match',
        ),
      );
    }
  });

  it('fails with app_error when kinds differ', async () => {
    using group = startGroup(2, { timeoutMs: 5_000 });
    const values = [new Float32Array([1]), new Float64Array([1])];
    const results = await group.all((ranks) =>
      ranks.allReduce(values[ranks.rank] ?? 0, 'max').catch((error: unknown) => error),
    );
    expect(results[0]).toEqual(
      sluiceError(
        'app_error',
        'allReduce: rank 1 sent a Float64Array where rank 0 sent a Float32Array',
      ),
    );
  });

  it('rejects values it cannot reduce and operations it does not know', async () => {
    using group = startGroup(2);
    const zero = group.rank(0);
    await expect(zero.allReduce(['1'] as unknown as number[], 'sum')).rejects.toEqual(
      sluiceError('app_error', 'allReduce needs a number, an array of numbers or a typed array'),
    );
    await expect(zero.allReduce(1, 'mean' as 'sum')).rejects.toEqual(
      sluiceError('app_error', 'allReduce needs an operation of sum, max or min'),
    );
  });
});

describe('collective misuse and cancellation', () => {
  it('rejects a root outside the group and a timeout that is not positive', async () => {
    using group = startGroup(2);
    const zero = group.rank(0);
    await expect(zero.broadcast(1, { root: 2 })).rejects.toEqual(
      sluiceError('app_error', 'broadcast needs a root rank from 0 to 1'),
    );
    await expect(zero.gather(1, { root: -1 })).rejects.toEqual(
      sluiceError('app_error', /^gather needs a root/),
    );
    await expect(zero.barrier({ timeoutMs: 0 })).rejects.toEqual(
      sluiceError('app_error', 'A collective timeout must be a positive number of ms'),
    );
  });

  it('rejects waiting and later calls with the run’s abort reason', async () => {
    const controller = new AbortController();
    using group = startGroup(2, { signal: controller.signal, timeoutMs: 60_000 });
    const zero = group.rank(0);
    const waiting = zero.barrier();
    const reason = new SluiceError('cancelled', 'The request was cancelled');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    await expect(zero.allGather(1)).rejects.toBe(reason);
  });
});
