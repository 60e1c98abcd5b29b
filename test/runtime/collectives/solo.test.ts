import { describe, expect, it } from 'vitest';
import { soloCollectives } from '../../../src/runtime/collectives/collectives.js';

describe('soloCollectives', () => {
  const solo = soloCollectives();

  it('is rank 0 of 1', () => {
    expect([solo.rank, solo.worldSize]).toEqual([0, 1]);
  });

  it('completes every operation with its own value', async () => {
    await expect(solo.barrier()).resolves.toBeUndefined();
    await expect(solo.broadcast({ a: 1 })).resolves.toEqual({ a: 1 });
    await expect(solo.gather('x')).resolves.toEqual(['x']);
    await expect(solo.allGather(new Uint8Array([1]))).resolves.toEqual([new Uint8Array([1])]);
    await expect(solo.allReduce(new Float32Array([1, 2]), 'max')).resolves.toEqual(
      new Float32Array([1, 2]),
    );
    await expect(solo.allReduce(5, 'sum')).resolves.toBe(5);
  });

  it('makes the same checks a group makes', async () => {
    await expect(solo.broadcast(1, { root: 1 })).rejects.toMatchObject({ code: 'app_error' });
    await expect(solo.allReduce({} as number, 'sum')).rejects.toMatchObject({ code: 'app_error' });
  });
});
