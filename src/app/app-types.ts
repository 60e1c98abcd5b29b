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
  /** Aborts when the request is cancelled, times out, or its client left. */
  readonly signal: AbortSignal;
  /** Emits an `output` event (tokens, chunks, partial results). */
  emit(data: unknown): void;
  /** Emits a `progress` event. */
  progress(step: number, total: number, message?: string): void;
  /**
   * Encodes an image as JPEG and emits a `preview` event. Resolves once the event is queued;
   * it need not be awaited, and events keep the order of the calls.
   */
  preview(image: PreviewSource, options?: PreviewOptions): Promise<void>;
  /** Emits a `log` event. */
  log(level: LogLevel, message: string): void;
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
export interface EndpointDefinition<
  InputSchema extends z.ZodType = z.ZodType,
  Output = unknown,
  State = unknown,
> {
  readonly input: InputSchema;
  readonly output?: z.ZodType<Output>;
  readonly description?: string;
  readonly run: RunFunction<z.output<InputSchema>, Output, State>;
}

/** An app id: `owner/name`, as on fal, Replicate and Hugging Face. */
export type AppId = `${string}/${string}`;
