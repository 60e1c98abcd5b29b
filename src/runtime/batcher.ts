import type { RunContext } from '../app/app-types.js';
import type { ServedSyncPath } from '../app/sync-path-types.js';
import { SluiceError } from '../errors/sluice-error.js';
import { toTerminalError } from './terminal-error.js';

/** What a request's place in a batch gave it: its output, and its batch's size (on the first only). */
export interface BatchedOutput {
  readonly output: unknown;
  /** The batch's size, given to its first request only, so each batch is counted once. */
  readonly batchSize?: number;
}

interface Waiting {
  readonly input: unknown;
  readonly context: RunContext;
  readonly resolve: (output: BatchedOutput) => void;
  readonly reject: (error: unknown) => void;
  readonly leave: () => void;
}

type BatchedEndpoint = Required<Pick<ServedSyncPath, 'batch' | 'runBatch'>>;

/**
 * Gathers one endpoint's requests in this process into batches: a batch goes to
 * `runBatch` once it holds `maxSize` requests, or `maxWaitMs` after its first arrived,
 * whichever comes first. A request cancelled while it waits leaves the batch; one
 * cancelled while its batch runs ends at once, the others go on. Each request gets its
 * own output or error.
 *
 * @example
 * const { output } = await batcherFor(endpoint, state).submit(input, context);
 */
export class Batcher {
  private waiting: Waiting[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly endpoint: BatchedEndpoint,
    private readonly state: unknown,
  ) {}

  submit(input: unknown, context: RunContext): Promise<BatchedOutput> {
    return new Promise((resolve, reject) => {
      const { signal } = context;
      const onAbort = () => {
        this.waiting = this.waiting.filter((waiting) => waiting !== entry);
        reject(signal.reason as Error);
      };
      const leave = () => signal.removeEventListener('abort', onAbort);
      const entry: Waiting = { input, context, resolve, reject, leave };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(entry);
      if (this.waiting.length >= this.endpoint.batch.maxSize) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.endpoint.batch.maxWaitMs);
    });
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.waiting.splice(0, this.endpoint.batch.maxSize);
    if (this.waiting.length > 0)
      this.timer = setTimeout(() => this.flush(), this.endpoint.batch.maxWaitMs);
    if (batch.length > 0) void this.run(batch);
  }

  private async run(batch: Waiting[]): Promise<void> {
    for (const waiting of batch) waiting.leave();
    const contexts = batch.map((waiting) => waiting.context);
    const signal = AbortSignal.any(contexts.map((context) => context.signal));
    const everyoneLeft = new AbortController();
    const check = () => {
      if (contexts.every((context) => context.signal.aborted)) everyoneLeft.abort();
    };
    signal.addEventListener('abort', check);
    try {
      const inputs = batch.map((waiting) => waiting.input);
      const context = { state: this.state, items: contexts, signal: everyoneLeft.signal };
      const outputs = await this.endpoint.runBatch(inputs, context);
      if (!Array.isArray(outputs) || outputs.length !== batch.length)
        throw new SluiceError('app_error', 'runBatch returned no array of one output per input');
      batch.forEach((waiting, index) =>
        settle(waiting, outputs[index], index === 0 ? batch.length : undefined),
      );
    } catch (thrown) {
      for (const waiting of batch) waiting.reject(toTerminalError(thrown));
    } finally {
      signal.removeEventListener('abort', check);
    }
  }
}

function settle(waiting: Waiting, output: unknown, batchSize: number | undefined): void {
  if (output instanceof Error) return waiting.reject(toTerminalError(output));
  waiting.resolve(batchSize === undefined ? { output } : { output, batchSize });
}

const batchers = new WeakMap<object, Batcher>();

/**
 * The batcher of an endpoint in this process (one per endpoint and state: per replica,
 * per worker, or the gateway's own for inline apps).
 *
 * @example
 * const batcher = batcherFor(endpoint, state);
 */
export function batcherFor(endpoint: BatchedEndpoint, state: unknown): Batcher {
  // Keyed by its runBatch: a replica wraps each run's endpoint anew, never its runBatch.
  let batcher = batchers.get(endpoint.runBatch);
  if (!batcher) batchers.set(endpoint.runBatch, (batcher = new Batcher(endpoint, state)));
  return batcher;
}
