import type { Reducible, ReduceOperation } from '../../app/app-types.js';
import { SluiceError } from '../../errors/sluice-error.js';
import type { RankLink } from './rank-link.js';
import { reduceValues } from './reduce-values.js';

/** How long ranks that wait on rank 0's answer wait past the timeout, so rank 0 names the missing. */
export function relayGraceMs(timeoutMs: number): number {
  return Math.min(timeoutMs, 1_000);
}

/** One allReduce call. */
export interface AllReduceCall<Value extends Reducible> {
  readonly value: Value;
  readonly operation: ReduceOperation;
  readonly timeoutMs: number;
}

/**
 * allReduce through rank 0: the others send it their value, it reduces them in rank order
 * and sends every rank the result, or the failure (a timeout naming the missing ranks, a
 * shape mismatch) so that every rank fails with the same error. Twice (N − 1) transfers,
 * where sending every value to every rank takes N × (N − 1): measured faster between
 * processes (bench/collectives.ts).
 *
 * @example
 * const sum = await starAllReduce(link, { value: new Float32Array([1]), operation: 'sum', timeoutMs });
 */
export async function starAllReduce<Value extends Reducible>(
  link: RankLink,
  call: AllReduceCall<Value>,
): Promise<Value> {
  const { value, timeoutMs } = call;
  const header = { seq: link.nextSeq(), operation: 'allReduce', detail: call.operation } as const;
  if (link.rank !== 0) {
    link.send([0], { ...header, value });
    const graceMs = relayGraceMs(timeoutMs);
    const received = await link.wait({ ...header, awaitFrom: [0], timeoutMs, graceMs });
    return received.get(0) as Value;
  }
  let result: Value;
  try {
    const received = await link.wait({ ...header, awaitFrom: link.others, timeoutMs });
    result = reduceValues(link.inRankOrder(value, received) as Value[], call.operation);
  } catch (error) {
    if (error instanceof SluiceError && error.code !== 'cancelled') {
      link.send(link.others, { ...header, failure: { code: error.code, message: error.message } });
    }
    throw error;
  }
  link.send(link.others, { ...header, value: result });
  return result;
}
