import type {
  CollectiveOptions,
  Reducible,
  ReduceOperation,
  RootedCollectiveOptions,
} from '../../app/app-types.js';
import { SluiceError } from '../../errors/sluice-error.js';
import type { Collectives, RankTransport } from './collectives.js';
import { RankLink } from './rank-link.js';
import { RUN_FINISHED } from '../run-control.js';
import { isReduceOperation, reducibleProblem } from './reduce-values.js';
import { starAllReduce } from './star-all-reduce.js';

/** How long a collective waits for the other ranks unless told otherwise. */
export const DEFAULT_COLLECTIVE_TIMEOUT_MS = 60_000;

/** What {@link createCollectives} needs. */
export interface CreateCollectivesOptions {
  readonly transport: RankTransport;
  /** Default timeout of every call (default {@link DEFAULT_COLLECTIVE_TIMEOUT_MS}). */
  readonly timeoutMs?: number;
  /** The run's signal: once it aborts, waiting calls reject with its reason and the listener goes. */
  readonly signal?: AbortSignal;
}

/** A rank's collectives, and how to stop listening to the transport. */
export interface GroupCollectives extends Collectives {
  /** Rejects waiting calls with `reason` (default: `cancelled`) and unsubscribes from the transport. */
  readonly close: (reason?: Error) => void;
}

function checkTimeout(timeoutMs: number | undefined, fallback: number): number {
  const value = timeoutMs ?? fallback;
  if (Number.isFinite(value) && value > 0) return value;
  throw new SluiceError('app_error', 'A collective timeout must be a positive number of ms');
}

/**
 * The collectives of one rank of a worker group, over a {@link RankTransport}. Every rank
 * must call the same collectives in the same order: calls are matched by their number.
 * `broadcast` and `gather` go straight to or from the root; `barrier` and `allGather` send
 * each rank's value to every other rank, so each rank knows by itself which ranks are
 * missing when a call times out (the error names them); `allReduce` goes through rank 0,
 * which relays its result or its failure to the others.
 *
 * @example
 * const collectives = createCollectives({ transport, timeoutMs: 30_000, signal });
 * const total = await collectives.allReduce(new Float32Array([1, 2]), 'sum');
 */
export function createCollectives(options: CreateCollectivesOptions): GroupCollectives {
  const { transport, signal } = options;
  const { rank, worldSize } = transport;
  const defaultTimeoutMs = checkTimeout(options.timeoutMs, DEFAULT_COLLECTIVE_TIMEOUT_MS);
  const link = new RankLink(transport);
  const { others } = link;
  const close = (reason?: Error) => {
    signal?.removeEventListener('abort', onAbort);
    link.close(reason ?? RUN_FINISHED);
  };
  const onAbort = () => close(signal?.reason as Error);
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });

  const timeoutOf = (callOptions: CollectiveOptions | undefined) =>
    checkTimeout(callOptions?.timeoutMs, defaultTimeoutMs);
  const rootOf = (operation: string, callOptions: RootedCollectiveOptions | undefined) => {
    const root = callOptions?.root ?? 0;
    if (Number.isInteger(root) && root >= 0 && root < worldSize) return root;
    throw new SluiceError('app_error', `${operation} needs a root rank from 0 to ${worldSize - 1}`);
  };

  return {
    rank,
    worldSize,
    close,
    barrier: async (callOptions) => {
      const timeoutMs = timeoutOf(callOptions);
      await link.exchange({ operation: 'barrier', sendTo: others, awaitFrom: others, timeoutMs });
    },
    broadcast: async <Value>(value: Value, callOptions?: RootedCollectiveOptions) => {
      const timeoutMs = timeoutOf(callOptions);
      const root = rootOf('broadcast', callOptions);
      const isRoot = rank === root;
      const received = await link.exchange({
        operation: 'broadcast',
        detail: root,
        value: isRoot ? value : undefined,
        sendTo: isRoot ? others : [],
        awaitFrom: isRoot ? [] : [root],
        timeoutMs,
      });
      return isRoot ? value : (received.get(root) as Value);
    },
    gather: async <Value>(value: Value, callOptions?: RootedCollectiveOptions) => {
      const timeoutMs = timeoutOf(callOptions);
      const root = rootOf('gather', callOptions);
      const isRoot = rank === root;
      const received = await link.exchange({
        operation: 'gather',
        detail: root,
        value: isRoot ? undefined : value,
        sendTo: isRoot ? [] : [root],
        awaitFrom: isRoot ? others : [],
        timeoutMs,
      });
      return isRoot ? (link.inRankOrder(value, received) as Value[]) : undefined;
    },
    allGather: async <Value>(value: Value, callOptions?: CollectiveOptions) => {
      const timeoutMs = timeoutOf(callOptions);
      const call = { operation: 'allGather' as const, value, sendTo: others, awaitFrom: others };
      const received = await link.exchange({ ...call, timeoutMs });
      return link.inRankOrder(value, received) as Value[];
    },
    allReduce: async <Value extends Reducible>(
      value: Value,
      operation: ReduceOperation,
      callOptions?: CollectiveOptions,
    ) => {
      const timeoutMs = timeoutOf(callOptions);
      if (!isReduceOperation(operation)) {
        throw new SluiceError('app_error', 'allReduce needs an operation of sum, max or min');
      }
      const problem = reducibleProblem(value);
      if (problem) throw new SluiceError('app_error', problem);
      return starAllReduce(link, { value, operation, timeoutMs });
    },
  };
}
