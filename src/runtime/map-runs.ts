import { setMaxListeners } from 'node:events';
import type { MapOptions, MapTarget } from '../app/app-types.js';
import { SluiceError } from '../errors/sluice-error.js';
import type { ChildRuns, ChildTarget } from './child-runs.js';
import { checkOptions, parseMapTarget } from './map-arguments.js';

/** One `ctx.map` call. */
export interface MapRequest {
  readonly childRuns: ChildRuns | undefined;
  /** The parent run's signal: aborting it cancels every child. */
  readonly signal: AbortSignal;
  /** W3C `traceparent` of the parent run's span, while tracing is on. */
  readonly traceparent?: string;
  readonly target: MapTarget;
  readonly inputs: Iterable<unknown> | AsyncIterable<unknown>;
  readonly options: MapOptions;
}

type Settled =
  | { readonly index: number; readonly ok: true; readonly value: unknown }
  | { readonly index: number; readonly ok: false; readonly error: SluiceError };

function toSluiceError(error: unknown): SluiceError {
  if (error instanceof SluiceError) return error;
  return new SluiceError('internal', 'A child run failed unexpectedly', { cause: error });
}

function inputsError(error: unknown): SluiceError {
  if (error instanceof SluiceError) return error;
  return new SluiceError('app_error', 'The inputs given to ctx.map threw', { cause: error });
}

function abortError(reason: unknown): SluiceError {
  if (reason instanceof SluiceError) return reason;
  return new SluiceError('cancelled', 'The parent run was cancelled', { cause: reason });
}

function iteratorOf(inputs: Iterable<unknown> | AsyncIterable<unknown>): AsyncIterator<unknown> {
  if (Symbol.asyncIterator in inputs) return inputs[Symbol.asyncIterator]();
  const iterator = inputs[Symbol.iterator]();
  // Not `for await`: inputs are values, and a promise among them is passed on as it is.
  return {
    next: () => Promise.resolve(iterator.next()),
    return: () => Promise.resolve(iterator.return?.() ?? { done: true, value: undefined }),
  };
}

/**
 * What a map's children report to the loop that yields their outputs: a queue of settled
 * children that the consumer awaits, and the count of free slots the producer awaits.
 */
class FanOutState {
  started = 0;
  inputsEnded = false;
  failure: SluiceError | undefined;
  private readonly settled: Settled[] = [];
  private settledCount = 0;
  private wake: (() => void) | undefined;

  constructor(private free: number) {}

  get finished(): boolean {
    return this.inputsEnded && this.settledCount === this.started;
  }

  get hasFreeSlot(): boolean {
    return this.free > 0;
  }

  take(): void {
    this.free -= 1;
    this.started += 1;
  }

  settle(result: Settled): void {
    this.free += 1;
    this.settledCount += 1;
    this.settled.push(result);
    this.notify();
  }

  fail(error: SluiceError): void {
    this.failure ??= error;
    this.notify();
  }

  notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** Resolves at the next change (a child settled, a slot freed, the inputs ended, a failure). */
  changed(): Promise<void> {
    return new Promise((resolve) => {
      const previous = this.wake;
      this.wake = () => {
        previous?.();
        resolve();
      };
    });
  }

  next(): Settled | undefined {
    return this.settled.shift();
  }
}

interface FanOut {
  readonly request: MapRequest;
  readonly target: ChildTarget;
  readonly childRuns: ChildRuns;
  readonly state: FanOutState;
  readonly signal: AbortSignal;
}

/** Pulls an input only when a slot is free, and starts its child. */
async function produce(fanOut: FanOut): Promise<void> {
  const { state, signal, childRuns, target } = fanOut;
  const iterator = iteratorOf(fanOut.request.inputs);
  try {
    for (;;) {
      while (!state.hasFreeSlot && !signal.aborted) await state.changed();
      if (signal.aborted) return;
      const step = await iterator.next();
      if (step.done || signal.aborted) return;
      const index = state.started;
      state.take();
      childRuns.run(target, step.value, signal).then(
        (value: unknown) => state.settle({ index, ok: true, value }),
        (error: unknown) => state.settle({ index, ok: false, error: toSluiceError(error) }),
      );
    }
  } catch (error) {
    // Before `inputsEnded`: the consumer must see the failure, not a finished map.
    state.fail(inputsError(error));
  } finally {
    state.inputsEnded = true;
    state.notify();
    if (signal.aborted) void iterator.return?.().catch(() => undefined);
  }
}

async function* consume(fanOut: FanOut, options: Required<MapOptions>): AsyncGenerator<unknown> {
  const { state } = fanOut;
  const ready = new Map<number, Settled>();
  let nextIndex = 0;
  for (;;) {
    const settled = state.next();
    if (state.failure) throw state.failure;
    if (!settled) {
      if (state.finished) return;
      await state.changed();
      continue;
    }
    if (!settled.ok && !options.returnExceptions) throw settled.error;
    const outcome = (result: Settled) => (result.ok ? result.value : result.error);
    if (options.order === 'completion') {
      yield outcome(settled);
      continue;
    }
    ready.set(settled.index, settled);
    for (let head = ready.get(nextIndex); head; head = ready.get(nextIndex)) {
      ready.delete(nextIndex);
      nextIndex += 1;
      yield outcome(head);
    }
  }
}

async function* fanOutRuns(request: MapRequest): AsyncGenerator<unknown> {
  const { childRuns, signal: parentSignal } = request;
  if (!childRuns) {
    throw new SluiceError(
      'app_error',
      'ctx.map is not available here: only runs the gateway started may map, and in a worker group only rank 0',
    );
  }
  const { traceparent } = request;
  const parsed = parseMapTarget(request.target);
  const target = traceparent ? { ...parsed, traceparent } : parsed;
  const options = checkOptions(request.options);
  if (parentSignal.aborted) throw abortError(parentSignal.reason);
  const controller = new AbortController();
  // Every child in flight listens to this signal (and removes its listener when it ends), so
  // many listeners are expected: not a leak for Node to warn about.
  setMaxListeners(0, controller.signal);
  const state = new FanOutState(options.concurrency);
  const onParentAbort = () => {
    state.fail(abortError(parentSignal.reason));
    controller.abort(parentSignal.reason);
  };
  parentSignal.addEventListener('abort', onParentAbort, { once: true });
  const fanOut = { request, target, childRuns, state, signal: controller.signal };
  const producing = produce(fanOut);
  try {
    yield* consume(fanOut, options);
  } finally {
    parentSignal.removeEventListener('abort', onParentAbort);
    const stopped = new SluiceError('cancelled', 'The map that started this run has stopped');
    if (!state.finished) controller.abort(stopped);
    state.notify();
    // Not awaited: a lazy input iterable may never yield again; the producer stops on its own.
    void producing;
  }
}

/**
 * Fans inputs out to child runs, at most `concurrency` at once, and yields their outputs in
 * input order or as they complete. Inputs are pulled only when a slot is free, so a lazy
 * (async) iterable is read as fast as the children finish. Without `returnExceptions` the
 * first failure aborts every other child and the iteration throws it; with it, each failed
 * input yields its `SluiceError`. Aborting the parent's signal, or leaving the loop early,
 * cancels the children still running.
 *
 * @example
 * for await (const caption of mapRuns({ childRuns, signal, target: 'demo/caption', inputs: images, options: {} })) {
 *   ctx.emit(caption);
 * }
 */
export function mapRuns<Output>(request: MapRequest): AsyncIterable<Output> {
  return {
    [Symbol.asyncIterator]: () => fanOutRuns(request) as AsyncGenerator<Output>,
  };
}
