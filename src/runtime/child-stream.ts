import type { ChildEvent, ChildStream, ChildStreamOptions } from '../app/child-stream-types.js';
import type { MapTarget } from '../app/app-types.js';
import { toAsciiJson } from '../events/ascii-json.js';
import type { LogPayload, LoggedEvent, NewEvent } from '../events/event-types.js';
import { SluiceError, toSluiceError } from '../errors/sluice-error.js';
import type { ChildRuns } from './child-runs.js';
import { parseMapTarget } from './map-arguments.js';

/** One `ctx.stream` call. */
export interface ChildStreamRequest {
  readonly childRuns: ChildRuns | undefined;
  /** The parent run's signal: aborting it cancels the child. */
  readonly signal: AbortSignal;
  readonly target: MapTarget;
  readonly input: unknown;
  readonly options: ChildStreamOptions;
  /** Emits an event as the parent's own (`options.forward`). */
  readonly forward: (event: NewEvent) => void;
}

const UNAVAILABLE =
  'ctx.stream is not available here: only runs the gateway started may stream a child, and in a worker group only rank 0';
const FORWARDABLE: ReadonlySet<string> = new Set(['progress', 'preview', 'output', 'log']);

function abortError(reason: unknown): SluiceError {
  if (reason instanceof SluiceError) return reason;
  return new SluiceError('cancelled', 'The parent run was cancelled', { cause: reason });
}

function forwardedTypes(options: ChildStreamOptions): ReadonlySet<string> {
  const forward: unknown = options.forward ?? [];
  const valid = Array.isArray(forward) && forward.every((type) => FORWARDABLE.has(type as string));
  if (!valid) {
    throw new SluiceError(
      'app_error',
      "ctx.stream needs options.forward as an array of 'progress', 'preview', 'output' or 'log'",
    );
  }
  return new Set(forward as string[]);
}

function childEvent(event: LoggedEvent): ChildEvent {
  return { type: event.type, id: event.seq, data: JSON.parse(event.json) as never } as ChildEvent;
}

/**
 * A child run's events as the parent reads them (see {@link ChildStream}): the iteration
 * drives the child's cursor, and `result` settles when it reaches the child's end.
 */
class ChildEventStream<Output> implements ChildStream<Output> {
  private iterated = false;
  private readonly settled: Promise<Output>;
  private settle!: { resolve: (output: Output) => void; reject: (error: SluiceError) => void };

  constructor(private readonly request: ChildStreamRequest) {
    this.settled = new Promise<Output>((resolve, reject) => (this.settle = { resolve, reject }));
    // A parent that only iterates, and meets the failure there, need not await `result`.
    this.settled.catch(() => undefined);
  }

  get result(): Promise<Output> {
    // Not at once: `const output = child.result; for await (…)` still iterates itself.
    queueMicrotask(() => {
      if (!this.iterated) void this.drain();
    });
    return this.settled;
  }

  [Symbol.asyncIterator](): AsyncIterator<ChildEvent> {
    if (this.iterated) return readAgain();
    this.iterated = true;
    return this.events();
  }

  private async drain(): Promise<void> {
    try {
      for await (const event of this) void event;
    } catch {
      // `result` rejects with it.
    }
  }

  private async *events(): AsyncGenerator<ChildEvent> {
    const { request } = this;
    const controller = new AbortController();
    const onParentAbort = () => controller.abort(abortError(request.signal.reason));
    request.signal.addEventListener('abort', onParentAbort, { once: true });
    try {
      yield* this.read(controller.signal);
    } catch (error) {
      const failure = request.signal.aborted
        ? abortError(request.signal.reason)
        : toSluiceError(error);
      this.settle.reject(failure);
      throw failure;
    } finally {
      request.signal.removeEventListener('abort', onParentAbort);
      // Left before the end: the child's work is no longer wanted.
      controller.abort(new SluiceError('cancelled', 'The run reading this child’s events stopped'));
      this.settle.reject(new SluiceError('cancelled', 'The child’s events were left unread'));
    }
  }

  private async *read(signal: AbortSignal): AsyncGenerator<ChildEvent> {
    const { childRuns, options, forward } = this.request;
    if (this.request.signal.aborted) throw abortError(this.request.signal.reason);
    if (!childRuns) throw new SluiceError('app_error', UNAVAILABLE);
    const target = parseMapTarget(this.request.target);
    const forwarded = forwardedTypes(options);
    for await (const batch of childRuns.stream(target, this.request.input, signal)) {
      for (const event of batch) {
        if (event.type === 'result') {
          this.settle.resolve(JSON.parse(event.json) as Output);
          return;
        }
        if (forwarded.has(event.type)) forward(asParentEvent(event));
        yield childEvent(event);
      }
    }
    throw new SluiceError('internal', 'The child run ended without a result');
  }
}

/**
 * A child's event as its parent logs it, unchanged but for one thing: the notice that a
 * retried child started again is the child's, not the parent's, so it loses its `attempt`
 * (which tells readers such as the OpenAI view that the request's own text starts again).
 */
function asParentEvent(event: NewEvent): NewEvent {
  if (event.type !== 'log' || !event.json.includes('"attempt"'))
    return { type: event.type, json: event.json };
  const { attempt: _attempt, ...payload } = JSON.parse(event.json) as LogPayload;
  return { type: 'log', json: toAsciiJson(payload) };
}

function readAgain(): AsyncIterator<ChildEvent> {
  const error = new SluiceError('app_error', 'A ctx.stream can be read once');
  return { next: () => Promise.reject(error) };
}

/**
 * Starts one child run and streams its events (see {@link ChildStream}). Nothing starts
 * until the stream is iterated or its `result` awaited.
 *
 * @example
 * const child = streamChild({ childRuns, signal, target: 'demo/diffuse', input, options: {}, forward });
 * for await (const event of child) if (event.type === 'preview') show(event.data);
 * const output = await child.result;
 */
export function streamChild<Output>(request: ChildStreamRequest): ChildStream<Output> {
  return new ChildEventStream<Output>(request);
}
