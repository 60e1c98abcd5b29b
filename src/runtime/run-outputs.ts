/** One pull of a run's outputs. */
interface OutputSource {
  next(): IteratorResult<unknown, unknown> | Promise<IteratorResult<unknown, unknown>>;
  /** Stops the source early (the run was aborted): its generator's `finally` runs. */
  stop(): void;
}

const ignore = () => undefined;
/** A sync source is given a turn of the event loop this often, so its events are appended as it goes. */
const ITEMS_PER_TURN = 256;

function isObject(value: unknown): value is object {
  return (typeof value === 'object' || typeof value === 'function') && value !== null;
}

function isReadableStream(value: unknown): value is ReadableStream<unknown> {
  return typeof ReadableStream === 'function' && value instanceof ReadableStream;
}

/** Arrays and bytes are values, not sources: a run that returns one returns it as its result. */
function isValue(value: object): boolean {
  return Array.isArray(value) || ArrayBuffer.isView(value) || value instanceof ArrayBuffer;
}

function fromIterator(iterator: Iterator<unknown> | AsyncIterator<unknown>): OutputSource {
  return {
    next: () => iterator.next(),
    stop: () => {
      const stopped = iterator.return?.();
      if (stopped instanceof Promise) stopped.catch(ignore);
    },
  };
}

function fromReadableStream(stream: ReadableStream<unknown>): OutputSource {
  const reader = stream.getReader();
  return {
    next: async () => {
      const read = await reader.read();
      return read.done ? { done: true, value: undefined } : { done: false, value: read.value };
    },
    stop: () => void reader.cancel().catch(ignore),
  };
}

/**
 * The outputs a run's return value stands for, or undefined when it is a plain result: a
 * sync or async generator, any other iterable or async iterable (a `Set`, an iterator, a
 * stream of Node's), or a web `ReadableStream`. Arrays and bytes are results.
 *
 * @example
 * outputSource(function* () { yield 1; }()); // a source of one output
 */
export function outputSource(value: unknown): OutputSource | undefined {
  if (!isObject(value) || isValue(value) || typeof value === 'string') return undefined;
  if (isReadableStream(value)) return fromReadableStream(value);
  if (Symbol.asyncIterator in value)
    return fromIterator((value as AsyncIterable<unknown>)[Symbol.asyncIterator]());
  if (Symbol.iterator in value)
    return fromIterator((value as Iterable<unknown>)[Symbol.iterator]());
  return undefined;
}

/** Where drained outputs go, and what stops the draining. */
export interface OutputTarget {
  readonly emit: (data: unknown) => void;
  readonly signal: AbortSignal;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Pulls every item of a source as an `output` event and resolves with the source's return
 * value (a generator's `return`; undefined for other sources). An abort stops the source.
 *
 * @example
 * const result = await drainOutputs(outputSource(returned)!, context);
 */
export async function drainOutputs(source: OutputSource, target: OutputTarget): Promise<unknown> {
  const stop = () => source.stop();
  target.signal.addEventListener('abort', stop, { once: true });
  try {
    for (let count = 1; ; count++) {
      target.signal.throwIfAborted();
      const step = await source.next();
      if (step.done) return step.value;
      target.emit(step.value);
      if (count % ITEMS_PER_TURN === 0) await nextTurn();
    }
  } finally {
    target.signal.removeEventListener('abort', stop);
  }
}
