import { describe, expect, it } from 'vitest';
import type { ReduceOperation, TypedArray } from '../../../src/app/app-types.js';
import { startGroup } from './group.js';

const TYPED_ARRAYS = [
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
] as const;

/** Rank r holds [r + 1, 10 - r, 2r]: small enough for every kind, different per rank. */
const valuesOf = (rank: number) => [rank + 1, 10 - rank, 2 * rank];

const EXPECTED: Record<ReduceOperation, number[]> = {
  sum: [10, 34, 12],
  max: [4, 10, 6],
  min: [1, 7, 0],
};

describe('collectives over an in-memory group of 4', () => {
  it('barrier resolves on every rank', async () => {
    using group = startGroup(4);
    expect(await group.all((ranks) => ranks.barrier())).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('broadcast gives every rank the root’s JSON value, whatever the others pass', async () => {
    using group = startGroup(4);
    const fromZero = await group.all((ranks) =>
      ranks.broadcast(ranks.rank === 0 ? { prompt: 'a cat', steps: [1, 2] } : null),
    );
    expect(fromZero).toEqual(Array(4).fill({ prompt: 'a cat', steps: [1, 2] }));
    const fromTwo = await group.all((ranks) => ranks.broadcast(`rank ${ranks.rank}`, { root: 2 }));
    expect(fromTwo).toEqual(Array(4).fill('rank 2'));
  });

  it('gather gives the root every value in rank order and the others undefined', async () => {
    using group = startGroup(4);
    const atZero = await group.all((ranks) => ranks.gather({ rank: ranks.rank }));
    expect(atZero).toEqual([
      [{ rank: 0 }, { rank: 1 }, { rank: 2 }, { rank: 3 }],
      undefined,
      undefined,
      undefined,
    ]);
    const atThree = await group.all((ranks) => ranks.gather(ranks.rank * 10, { root: 3 }));
    expect(atThree).toEqual([undefined, undefined, undefined, [0, 10, 20, 30]]);
  });

  it('allGather gives every rank every value in rank order', async () => {
    using group = startGroup(4);
    const gathered = await group.all((ranks) => ranks.allGather([ranks.rank, 'x']));
    const expected = [
      [0, 'x'],
      [1, 'x'],
      [2, 'x'],
      [3, 'x'],
    ];
    expect(gathered).toEqual(Array(4).fill(expected));
  });

  it('moves typed arrays as typed arrays, without a JSON round trip', async () => {
    using group = startGroup(4);
    const gathered = await group.all((ranks) =>
      ranks.gather(new Float32Array([ranks.rank, Number.NaN, -0, Infinity])),
    );
    const atRoot = gathered[0] ?? [];
    expect(atRoot).toHaveLength(4);
    atRoot.forEach((tile, rank) => {
      expect(tile).toBeInstanceOf(Float32Array);
      expect([...tile]).toEqual([rank, Number.NaN, -0, Infinity]);
    });
    const big = await group.all((ranks) =>
      ranks.allGather(new BigInt64Array([BigInt(ranks.rank)])),
    );
    expect(big[3]).toEqual([0n, 1n, 2n, 3n].map((value) => new BigInt64Array([value])));
  });

  it.each(
    [...TYPED_ARRAYS, BigInt64Array, BigUint64Array].map((kind) => [kind.name, kind] as const),
  )('broadcast, gather and allGather carry %s as itself', async (_, Kind) => {
    using group = startGroup(3);
    const arrayOf = (rank: number): TypedArray =>
      Kind === BigInt64Array || Kind === BigUint64Array
        ? Kind.from([BigInt(rank), 7n])
        : (Kind as typeof Float64Array).from([rank, 7]);
    const results = await group.all(async (ranks) => {
      const own = arrayOf(ranks.rank);
      return [
        await ranks.broadcast(own, { root: 1 }),
        await ranks.gather(own),
        await ranks.allGather(own),
      ];
    });
    const everyRank = [0, 1, 2].map(arrayOf);
    expect(results.map(([broadcast]) => broadcast)).toEqual(Array(3).fill(arrayOf(1)));
    expect(results.map(([, gathered]) => gathered)).toEqual([everyRank, undefined, undefined]);
    expect(results.map(([, , all]) => all)).toEqual(Array(3).fill(everyRank));
    for (const value of [results[2]?.[0], ...((results[1]?.[2] as unknown[]) ?? [])]) {
      expect(value).toBeInstanceOf(Kind);
    }
  });

  describe.each(['sum', 'max', 'min'] as const)('allReduce %s', (operation) => {
    it('reduces numbers', async () => {
      using group = startGroup(4);
      const reduced = await group.all((ranks) =>
        ranks.allReduce(valuesOf(ranks.rank)[1] ?? 0, operation),
      );
      expect(reduced).toEqual(Array(4).fill(EXPECTED[operation][1]));
    });

    it('reduces arrays of numbers element-wise', async () => {
      using group = startGroup(4);
      const reduced = await group.all((ranks) => ranks.allReduce(valuesOf(ranks.rank), operation));
      expect(reduced).toEqual(Array(4).fill(EXPECTED[operation]));
    });

    it.each(TYPED_ARRAYS.map((kind) => [kind.name, kind] as const))(
      'reduces %s element-wise, returning the same kind',
      async (_, Kind) => {
        using group = startGroup(4);
        const reduced = await group.all((ranks) =>
          ranks.allReduce(Kind.from(valuesOf(ranks.rank)) as TypedArray, operation),
        );
        for (const result of reduced) {
          expect(result).toBeInstanceOf(Kind);
          expect([...(result as Float64Array)]).toEqual(EXPECTED[operation]);
        }
      },
    );

    it.each([BigInt64Array, BigUint64Array].map((kind) => [kind.name, kind] as const))(
      'reduces %s element-wise',
      async (_, Kind) => {
        using group = startGroup(4);
        const reduced = await group.all((ranks) =>
          ranks.allReduce(Kind.from(valuesOf(ranks.rank).map(BigInt)) as TypedArray, operation),
        );
        for (const result of reduced) {
          expect(result).toEqual(Kind.from(EXPECTED[operation].map(BigInt)));
        }
      },
    );
  });

  it('allReduce leaves the callers’ arrays untouched', async () => {
    using group = startGroup(2);
    const inputs = [new Float32Array([1, 2]), new Float32Array([3, 4])];
    await group.all((ranks) => ranks.allReduce(inputs[ranks.rank] ?? new Float32Array(), 'sum'));
    expect(inputs).toEqual([new Float32Array([1, 2]), new Float32Array([3, 4])]);
  });

  it('allReduce gives every rank the same bits for floats, summed in rank order', async () => {
    using group = startGroup(4);
    const values = [0.1, 1e16, -1e16, 0.2];
    const reduced = await group.all((ranks) => ranks.allReduce(values[ranks.rank] ?? 0, 'sum'));
    expect(new Set(reduced).size).toBe(1);
    expect(reduced[0]).toBe(0.1 + 1e16 + -1e16 + 0.2);
  });

  it('successive calls of different kinds each get their own values', async () => {
    using group = startGroup(3);
    const results = await group.all(async (ranks) => {
      const first = await ranks.allGather(ranks.rank);
      await ranks.barrier();
      const second = await ranks.allReduce(ranks.rank, 'sum');
      const third = await ranks.broadcast(ranks.rank + 100, { root: 1 });
      return [first, second, third];
    });
    expect(results).toEqual(Array(3).fill([[0, 1, 2], 3, 101]));
  });

  it('calls made without awaiting the previous one still match by order', async () => {
    using group = startGroup(2);
    const results = await group.all((ranks) =>
      Promise.all([ranks.allGather(`a${ranks.rank}`), ranks.allGather(`b${ranks.rank}`)]),
    );
    expect(results).toEqual(
      Array(2).fill([
        ['a0', 'a1'],
        ['b0', 'b1'],
      ]),
    );
  });
});
