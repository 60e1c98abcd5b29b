import { toAsciiJson } from '../events/ascii-json.js';
import { carriedJson } from './carried-json.js';
import type { LogLevel, NewEvent, PreviewPayload } from '../events/event-types.js';
import { SluiceError } from '../errors/sluice-error.js';
import type { ChildRuns } from './child-runs.js';
import { soloCollectives, type Collectives } from './collectives/collectives.js';
import { mapRuns } from './map-runs.js';
import { streamChild } from './child-stream.js';
import type { PreviewOptions, RunContext } from '../app/app-types.js';
import type { EventWriter } from './event-writer.js';
import type { RunControl } from './run-control.js';
import { encodePreview, type PreviewSource } from '../app/preview.js';
import { progressPayload } from './progress-payload.js';
import { DEFAULT_BINARY_TYPE, binaryPayload, isBytes } from '../events/binary-payload.js';

/** What {@link createRunContext} needs from the run it serves. */
export interface RunContextOptions<State> {
  readonly requestId: string;
  readonly state: State;
  /** The run's control: `ctx.signal` is its signal, made when the app first reads it. */
  readonly control: Pick<RunControl, 'signal'>;
  readonly writer: EventWriter;
  readonly previewQuality: number;
  /** Ends the run with this error (used when the app misuses the context). */
  readonly fail: (error: SluiceError) => void;
  /** The run's worker group (default: a group of one). */
  readonly collectives?: Collectives;
  /** How `ctx.map` and `ctx.stream` start children (absent: they fail). */
  readonly childRuns?: ChildRuns;
  /** W3C `traceparent` of the run's span, while tracing is on: the parent of its child runs. */
  readonly traceparent?: string;
  /** What the endpoint's `prepare` returned (absent before it, or without one). */
  readonly prepared?: unknown;
}

const CONTENT_TYPE = /^[\w.+-]+\/[\w.+-]+(?:\s*;[\x20-\x7e]*)?$/;
const BAD_CONTENT_TYPE = 'ctx.emit needs contentType as type/subtype, such as audio/wav';
const isContentType = (value: unknown): boolean =>
  typeof value === 'string' && value.length <= 255 && CONTENT_TYPE.test(value);
const LOG_LEVELS: ReadonlySet<string> = new Set(['debug', 'info', 'warn', 'error']);
const ignore = () => undefined;

/** Where a run context keeps its control, for the `signal` getter they all share. */
const CONTROL = Symbol('sluice.runControl');

type WithControl = Record<typeof CONTROL, Pick<RunControl, 'signal'>>;

/**
 * `ctx.signal`, one getter for every run's context, defined after the literal: a getter in
 * an object literal puts the object's properties in a dictionary of its own (about 830
 * bytes per run, and slower to read on every `ctx.emit`), and a getter made per run would
 * give each context a hidden class of its own.
 */
const SIGNAL_PROPERTY: PropertyDescriptor = {
  get(this: WithControl) {
    return this[CONTROL].signal;
  },
  enumerable: true,
  configurable: true,
};

/**
 * Builds a run's {@link RunContext}. Its methods are closures: they work detached from the
 * object, from any callback, and never throw: a misuse fails the run with `app_error`.
 *
 * @example
 * const context = createRunContext({ requestId, state, control, writer, previewQuality: 70, fail });
 */
export function createRunContext<State>(options: RunContextOptions<State>): RunContext<State> {
  const { writer, fail } = options;
  const misuse = (message: string) => fail(new SluiceError('app_error', message));

  const pushJson = (type: NewEvent['type'], payload: unknown): void => {
    const json = carriedJson(payload, type);
    if (typeof json === 'string') writer.push({ type, json });
    else misuse(`The app emitted ${type === 'output' ? 'an' : 'a'} ${type} ${json.problem}`);
  };

  const preview = (
    image: PreviewSource | readonly PreviewSource[],
    previewOptions: PreviewOptions = {},
  ): Promise<void> => {
    const quality = previewOptions.quality ?? options.previewQuality;
    const encoded = encodePreviews(image, quality);
    writer.push(
      encoded.then(
        (payload): NewEvent => ({ type: 'preview', json: toAsciiJson(payload) }),
        (error: unknown) => {
          const reason = error instanceof Error ? error.message : 'unknown reason';
          misuse(`The app sent a preview that could not be encoded: ${reason}`);
          return undefined;
        },
      ),
    );
    const queued = encoded.then(ignore);
    queued.catch(ignore);
    return queued;
  };

  const { control, childRuns, traceparent } = options;
  // Listed one by one, not spread: a group's own extras (its `close`) stay off the context,
  // and a literal without a spread shares one shape across runs instead of one each.
  const collectives = options.collectives ?? sharedSoloCollectives();
  const context: Omit<RunContext<State>, 'signal'> = {
    rank: collectives.rank,
    worldSize: collectives.worldSize,
    barrier: collectives.barrier,
    broadcast: collectives.broadcast,
    gather: collectives.gather,
    allGather: collectives.allGather,
    allReduce: collectives.allReduce,
    // Method shorthand, not arrow properties: these use no `this`, so they still work
    // detached. Under tsx (the benchmarks, a checkout without a build), esbuild's keepNames
    // wraps every named arrow in `__name()`, which gives each run's copy a property
    // dictionary of its own (256 bytes); methods keep their names without it.
    map(target, inputs, mapOptions = {}) {
      const { signal } = control;
      return mapRuns({ childRuns, signal, traceparent, target, inputs, options: mapOptions });
    },
    starmap(target, argumentLists, mapOptions) {
      const toInput = (mapOptions as Partial<typeof mapOptions> | undefined)?.toInput;
      const inputs = spreadInto(argumentLists, toInput);
      const request = { childRuns, signal: control.signal, traceparent, target, inputs };
      return mapRuns({ ...request, options: mapOptions ?? {} });
    },
    stream(target, input, streamOptions = {}) {
      const forward = (event: NewEvent) => writer.push(event);
      const { signal } = control;
      return streamChild({ childRuns, signal, target, input, options: streamOptions, forward });
    },
    requestId: options.requestId,
    state: options.state,
    prepared: options.prepared,
    emit(data, emitOptions) {
      if (!isBytes(data)) return pushJson('output', data);
      const contentType = emitOptions?.contentType ?? DEFAULT_BINARY_TYPE;
      if (!isContentType(contentType)) return misuse(BAD_CONTENT_TYPE);
      pushJson('output', binaryPayload(data, contentType));
    },
    progress(step, total, details) {
      if (!Number.isFinite(step) || !Number.isFinite(total)) {
        misuse('ctx.progress needs finite numbers for step and total');
        return;
      }
      pushJson('progress', progressPayload(step, total, details));
    },
    preview,
    log(level: LogLevel, message: string) {
      if (!LOG_LEVELS.has(level)) {
        misuse('ctx.log needs a level of debug, info, warn or error');
        return;
      }
      pushJson('log', { level, message: String(message), timestamp: new Date().toISOString() });
    },
  };
  Object.defineProperty(context, CONTROL, { value: control });
  return Object.defineProperty(context, 'signal', SIGNAL_PROPERTY) as RunContext<State>;
}

/** One image's preview, or several images' as `{images: [...]}`. */
async function encodePreviews(
  image: PreviewSource | readonly PreviewSource[],
  quality: number,
): Promise<PreviewPayload> {
  if (!Array.isArray(image)) return encodePreview(image as PreviewSource, quality);
  const encoded = await Promise.all(image.map((one: PreviewSource) => encodePreview(one, quality)));
  return { images: encoded.map((payload) => payload.image) };
}

let solo: Collectives | undefined;

/**
 * The collectives of a run alone in its group, shared by every such run: with no other rank
 * there is nothing to send, wait for or time out, so calls keep no state between them. One
 * set per run would cost an idle run a dozen closures.
 */
function sharedSoloCollectives(): Collectives {
  solo ??= soloCollectives();
  return solo;
}

/** A boolean, not a type guard: narrowing would turn a tuple type into `any[]`. */
const isArgumentList = (values: unknown): boolean => Array.isArray(values);

async function* spreadInto<Arguments extends readonly unknown[]>(
  argumentLists: Iterable<Arguments> | AsyncIterable<Arguments>,
  toInput: ((...values: Arguments) => unknown) | undefined,
): AsyncGenerator<unknown> {
  if (typeof toInput !== 'function') {
    throw new SluiceError('app_error', 'ctx.starmap needs options.toInput, a function');
  }
  for await (const values of argumentLists) {
    if (!isArgumentList(values)) {
      throw new SluiceError('app_error', 'ctx.starmap needs each input as an array of arguments');
    }
    yield toInput(...values);
  }
}
