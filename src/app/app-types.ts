import type { ChatView } from './chat-view.js';
import type { ChildStream, ChildStreamOptions } from './child-stream-types.js';
import type { z } from 'zod';
import type { LogLevel } from '../events/event-types.js';
import type { WireDialect } from '../events/dialects/wire-dialect.js';
import type { PreviewSource } from './preview.js';
import type { SyncPathOptions } from './sync-path-types.js';
import type { RealtimeOptions } from './realtime-options.js';

/** Options of {@link RunContext.emit}. */
export interface EmitOptions {
  /** The content type of bytes emitted (default `application/octet-stream`); ignored for JSON values. */
  readonly contentType?: string;
}

/** The optional part of a progress event. */
export interface ProgressDetails {
  /** What the run is doing, for people: `Processing step 5/20`. */
  readonly message?: string;
}

/** Options of {@link RunContext.preview}. */
export interface PreviewOptions {
  /** JPEG quality, 1–100; defaults to the app's `previewQuality` (70). */
  readonly quality?: number;
}

/**
 * What a run gets besides its input. Every method is bound and never throws, so it can be
 * passed to library callbacks (a diffusion step callback, an event emitter) and called from
 * anywhere; a misuse fails the run instead.
 *
 * @example
 * run: async ({ steps }, ctx) => {
 *   for (let step = 1; step <= steps; step++) {
 *     ctx.signal.throwIfAborted();
 *     ctx.progress(step, steps);
 *   }
 *   return { done: true };
 * }
 */
export interface RunContext<State = unknown> {
  /** The request's id, as clients see it. */
  readonly requestId: string;
  /** What `setup()` returned. */
  readonly state: State;
  /**
   * What the endpoint's `prepare` returned for this request (`undefined` without one, and
   * inside `prepare` itself): features looked up before the run, for example.
   */
  readonly prepared: unknown;
  /**
   * Aborts when the request is cancelled, times out, or its clients left, and when the run
   * ends. Check it inside long loops, not only between steps: once it aborts, the request
   * has already ended and whatever the run still computes is wasted.
   */
  readonly signal: AbortSignal;
  /**
   * Emits an `output` event (tokens, chunks, partial results). Bytes (`Uint8Array`, `Buffer`,
   * `ArrayBuffer`, any typed array) go out as `{content_type, data_base64}` on the JSON and
   * SSE wire, raw over msgpack, and concatenated on the request's media view.
   */
  readonly emit: (data: unknown, options?: EmitOptions) => void;
  /**
   * Emits a `progress` event `{step, total, progress, message?}`, where `progress` is the
   * fraction done (`step / total`, kept within 0–1). The message may be given as a string
   * or as `{ message }`.
   */
  readonly progress: (step: number, total: number, details?: string | ProgressDetails) => void;
  /**
   * Encodes an image as JPEG and emits a `preview` event. Resolves once the event is queued;
   * it need not be awaited, and events keep the order of the calls. Raw pixels are copied,
   * so the buffer may be reused at once. An array of images sends one event `{images: [...]}`.
   */
  readonly preview: (
    image: PreviewSource | readonly PreviewSource[],
    options?: PreviewOptions,
  ) => Promise<void>;
  /** Emits a `log` event. */
  readonly log: (level: LogLevel, message: string) => void;
  /** This process's rank in its worker group: 0 to `worldSize - 1` (0 outside groups). */
  readonly rank: number;
  /** How many ranks run this request together (1 outside worker groups). */
  readonly worldSize: number;
  /**
   * Waits until every rank has reached this barrier. Every rank must call the same
   * collectives in the same order: calls are matched by their position (docs/collectives.md).
   */
  readonly barrier: (options?: CollectiveOptions) => Promise<void>;
  /** Every rank receives the root rank's value (default root: 0). */
  readonly broadcast: <Value>(value: Value, options?: RootedCollectiveOptions) => Promise<Value>;
  /** The root rank receives every rank's value, in rank order; the others receive `undefined`. */
  readonly gather: <Value>(
    value: Value,
    options?: RootedCollectiveOptions,
  ) => Promise<Value[] | undefined>;
  /** Every rank receives every rank's value, in rank order. */
  readonly allGather: <Value>(value: Value, options?: CollectiveOptions) => Promise<Value[]>;
  /** Every rank receives the element-wise reduction of every rank's number, array or typed array. */
  readonly allReduce: <Value extends Reducible>(
    value: Value,
    operation: ReduceOperation,
    options?: CollectiveOptions,
  ) => Promise<Value>;
  /**
   * Runs `target` once per input, spread across its replicas, and yields the outputs: in
   * input order (the default) or as they complete. The first failure cancels the rest,
   * unless `returnExceptions` puts each failure (a `SluiceError`) in its input's slot.
   * Cancelling this run cancels every child.
   */
  readonly map: <Output = unknown>(
    target: MapTarget,
    inputs: Iterable<unknown> | AsyncIterable<unknown>,
    options?: MapOptions,
  ) => AsyncIterable<Output>;
  /** Like `map`, for inputs given as argument tuples: `options.toInput` builds each input from one tuple. */
  readonly starmap: <Output = unknown, Arguments extends readonly unknown[] = unknown[]>(
    target: MapTarget,
    argumentLists: Iterable<Arguments> | AsyncIterable<Arguments>,
    options: StarmapOptions<Arguments>,
  ) => AsyncIterable<Output>;
  /**
   * Runs `target` once for `input` and streams its events (progress, previews, outputs,
   * logs) as they come, then its output as `result`; see {@link ChildStream}.
   */
  readonly stream: <Output = unknown>(
    target: MapTarget,
    input: unknown,
    options?: ChildStreamOptions,
  ) => ChildStream<Output>;
}

/** Options of every collective. */
export interface CollectiveOptions {
  /**
   * Rejects with `timeout`, naming the ranks that did not arrive, after this long (default:
   * the app's `collectiveTimeoutMs`, else 60 s). See docs/collectives.md.
   */
  readonly timeoutMs?: number;
}

/** Options of collectives that have a root rank. */
export interface RootedCollectiveOptions extends CollectiveOptions {
  /** The rank that sends (`broadcast`) or receives (`gather`); default 0. */
  readonly root?: number;
}

/** The typed arrays that collectives move without a JSON round trip. */
export type TypedArray =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

/** What `allReduce` can combine. */
export type Reducible = number | readonly number[] | TypedArray;

/** How `allReduce` combines values. */
export type ReduceOperation = 'sum' | 'max' | 'min';

/** What `ctx.map` runs: `'owner/name'`, `'owner/name/sub/path'`, or an app id and endpoint path. */
export type MapTarget = string | { readonly app: string; readonly path?: string };

/** Options of `ctx.map` and `ctx.starmap`. */
export interface MapOptions {
  /** `'input'` (default) yields in input order; `'completion'` as each child finishes. */
  readonly order?: 'input' | 'completion';
  /** Most children running at once (default: 16). */
  readonly concurrency?: number;
  /** Yield a failed child's `SluiceError` in its slot instead of failing the whole map. */
  readonly returnExceptions?: boolean;
}

/** Options of `ctx.starmap`. */
export interface StarmapOptions<Arguments extends readonly unknown[]> extends MapOptions {
  /** Builds a child's input from one argument tuple. */
  readonly toInput: (...values: Arguments) => unknown;
}

/**
 * A source of `output` events a run may return: each item is an output, and a generator's
 * return value (if any) is the result. Arrays and bytes are not sources: they are results.
 */
export type OutputStream<Output> =
  | AsyncGenerator<unknown, Output, undefined>
  | Generator<unknown, Output, undefined>
  | AsyncIterable<unknown>
  | Iterable<unknown>
  | ReadableStream<unknown>;

/**
 * What a run returns: the output, or a source of outputs (a sync or async generator, any
 * iterable or async iterable, a web `ReadableStream`), or a promise of either.
 */
export type RunResult<Output> =
  Output | OutputStream<Output> | Promise<Output> | Promise<OutputStream<Output>>;

/** An endpoint's run function. */
export type RunFunction<Input, Output, State> = (
  input: Input,
  context: RunContext<State>,
) => RunResult<Output>;

/**
 * An endpoint's prepare step: runs before `run` (or `runBatch`) in every view, stream
 * included; what it returns is the run's `ctx.prepared`. A `SluiceError` it throws keeps
 * its code; anything else answers 502 `prepare_failed`.
 */
export type PrepareFunction<Input, State> = (input: Input, context: RunContext<State>) => unknown;

/** An endpoint: its input schema, its optional output schema and its run. */
export interface EndpointDefinition<
  InputSchema = z.ZodType,
  Output = unknown,
  State = unknown,
> extends SyncPathOptions<ParsedInput<InputSchema>, State> {
  readonly input: InputSchema & z.ZodType;
  readonly output?: z.ZodType<Output>;
  readonly description?: string;
  readonly run: RunFunction<ParsedInput<InputSchema>, Output, State>;
  /** Concurrent runs and queued requests allowed; past them a request answers 429 `overloaded`. */
  readonly limits?: EndpointLimits;
  /**
   * Times a run whose worker died may start again on another worker (Redis mode; default 0:
   * it ends with `worker_lost`, since a retry repeats the work).
   */
  readonly retries?: number;
  /** How the realtime (WebSocket) view paces a connection; defaults in docs/realtime.md. */
  readonly realtime?: RealtimeOptions;
  /**
   * How its SSE views render events unless a request asks otherwise (`?dialect=` or an
   * `Accept: text/event-stream; dialect=…` parameter): `sluice` (default), `data` or `typed`.
   */
  readonly dialect?: WireDialect;
  /** Serve this endpoint as an OpenAI-compatible chat model too (`POST /v1/chat/completions`). */
  readonly chat?: ChatView<z.input<InputSchema & z.ZodType>, Output>;
}

/** Per-endpoint admission limits; past them a request answers 429 `overloaded`. */
export interface EndpointLimits {
  /** Most runs of the endpoint executing at once. */
  readonly concurrent?: number;
  /** Most requests of the endpoint waiting to start. */
  readonly queued?: number;
}

/** What a run receives for an input schema: its parsed output, defaults applied. */
export type ParsedInput<InputSchema> = InputSchema extends z.ZodType
  ? z.output<InputSchema>
  : never;

/**
 * An app id: `owner/name`, as on fal, Replicate and Hugging Face, or a single `name`, as
 * sheaf serves its deployments (`POST /flux`).
 */
export type AppId = string;
