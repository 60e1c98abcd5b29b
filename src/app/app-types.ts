import type { z } from 'zod';
import type { LogLevel } from '../events/event-types.js';
import type { PreviewSource } from './preview.js';

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
   * Aborts when the request is cancelled, times out, or its clients left, and when the run
   * ends. Check it inside long loops, not only between steps: once it aborts, the request
   * has already ended and whatever the run still computes is wasted.
   */
  readonly signal: AbortSignal;
  /** Emits an `output` event (tokens, chunks, partial results). */
  readonly emit: (data: unknown) => void;
  /** Emits a `progress` event. */
  readonly progress: (step: number, total: number, message?: string) => void;
  /**
   * Encodes an image as JPEG and emits a `preview` event. Resolves once the event is queued;
   * it need not be awaited, and events keep the order of the calls. Raw pixels are copied,
   * so the buffer may be reused at once.
   */
  readonly preview: (image: PreviewSource, options?: PreviewOptions) => Promise<void>;
  /** Emits a `log` event. */
  readonly log: (level: LogLevel, message: string) => void;
}

/** What a run returns: the output, or an async generator whose yields are `output` events. */
export type RunResult<Output> =
  Promise<Output> | Output | AsyncGenerator<unknown, Output, undefined>;

/** An endpoint's run function. */
export type RunFunction<Input, Output, State> = (
  input: Input,
  context: RunContext<State>,
) => RunResult<Output>;

/** An endpoint: its input schema, its optional output schema and its run. */
export interface EndpointDefinition<InputSchema = z.ZodType, Output = unknown, State = unknown> {
  readonly input: InputSchema & z.ZodType;
  readonly output?: z.ZodType<Output>;
  readonly description?: string;
  readonly run: RunFunction<ParsedInput<InputSchema>, Output, State>;
}

/** What a run receives for an input schema: its parsed output, defaults applied. */
export type ParsedInput<InputSchema> = InputSchema extends z.ZodType
  ? z.output<InputSchema>
  : never;

/** An app id: `owner/name`, as on fal, Replicate and Hugging Face. */
export type AppId = `${string}/${string}`;
