import type { PrepareFunction, RunContext } from './app-types.js';

/**
 * What an endpoint may declare about its non-streaming path: a prepare step that runs
 * before every run (docs/sync-path.md).
 *
 * @example
 * defineApp({
 *   id: 'demo/features',
 *   input: z.object({ user: z.string() }),
 *   prepare: ({ user }, ctx) => ctx.state.store.lookup(user),
 *   run: (input, ctx) => score(ctx.prepared),
 * });
 */
export interface SyncPathOptions<Input, State> {
  /** Runs before the run in every view; its result is `ctx.prepared`, its time measured apart. */
  readonly prepare?: PrepareFunction<Input, State>;
  /** Caches results of the JSON and queue views, and coalesces identical requests in flight. */
  readonly cache?: CacheOptions<Input>;
  /** Runs the JSON, queue and realtime views in batches through `runBatch` (the stream view runs alone, through `run`). */
  readonly batch?: BatchOptions;
  /** One output per input, in order; an `Error` in an input's slot fails that request only. */
  readonly runBatch?: RunBatchFunction<Input, State>;
  /**
   * The process-global state a request needs (a LoRA adapter's name, say): a replica never
   * runs requests of two keys at once, and the dispatcher prefers a replica holding the key.
   */
  readonly stateKey?: (input: Input) => string;
  /** Loads or switches to a key's state, in the replica, before the first run of that key. */
  readonly enterState?: (key: string, context: EnterStateContext<State>) => unknown;
}

/** What `enterState` gets besides the key. */
export interface EnterStateContext<State = unknown> {
  /** What `setup()` returned. */
  readonly state: State;
  /** The key the replica held until now (`undefined` for its first). */
  readonly previousKey: string | undefined;
}

/**
 * How requests are batched: at most `maxSize` per call of `runBatch`, and a request waits
 * at most `maxWaitMs` for others to join it.
 *
 * @example
 * batch: { maxSize: 16, maxWaitMs: 5 }
 */
export interface BatchOptions {
  readonly maxSize: number;
  readonly maxWaitMs: number;
}

/** What `runBatch` gets besides its inputs: each request's own context, in input order. */
export interface BatchContext<State = unknown> {
  /** What `setup()` returned. */
  readonly state: State;
  /** Each request's context (its id, log, progress, `prepared`), in input order. */
  readonly items: readonly RunContext<State>[];
  /** Aborts once every request of the batch has been cancelled. */
  readonly signal: AbortSignal;
}

/** An endpoint's batched run: one output, or one `Error`, per input, in order. */
export type RunBatchFunction<Input, State> = (
  inputs: Input[],
  context: BatchContext<State>,
) => Promise<readonly unknown[]> | readonly unknown[];

/**
 * An endpoint's response cache: results kept for `ttlMs`, under a key that defaults to a
 * canonical hash of the validated input (object keys sorted).
 *
 * @example
 * cache: { ttlMs: 60_000, maxEntries: 10_000, maxBytes: 64 * 1024 * 1024 }
 */
export interface CacheOptions<Input = unknown> {
  /** How long a result is served from the cache, in milliseconds. */
  readonly ttlMs: number;
  /** The cache key of an input (default: a SHA-256 of its canonical JSON). Memory mode only. */
  readonly key?: (input: Input) => string;
  /** Most results kept for this endpoint (least recently used go first; memory mode). */
  readonly maxEntries?: number;
  /** Most bytes of results kept for this endpoint; a larger result is not kept. */
  readonly maxBytes?: number;
}

/** The sync-path declarations of an endpoint as sluice serves it. */
export interface ServedSyncPath {
  readonly prepare?: PrepareFunction<unknown, unknown>;
  readonly cache?: CacheOptions;
  readonly batch?: BatchOptions;
  readonly runBatch?: RunBatchFunction<unknown, unknown>;
  readonly stateKey?: (input: unknown) => string;
  readonly enterState?: (key: string, context: EnterStateContext) => unknown;
}
