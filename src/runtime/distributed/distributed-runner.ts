import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { defineApp, type App } from '../../app/define-app.js';
import { encodeDialectFrame, encodeStreamFailure } from '../../events/dialects/dialect-frames.js';
import { isTerminal, type EventType, type NewEvent } from '../../events/event-types.js';
import { toAsciiJson } from '../../events/ascii-json.js';
import { SluiceError, toSluiceError } from '../../errors/sluice-error.js';
import type { AppStatus } from '../runtime.js';
import { resolvePlacement, type RuntimeOverrides } from '../placement.js';
import { ReplicaPool } from '../replica/replica-pool.js';
import { RunControl } from '../run-control.js';
import { EventChannel } from './event-channel.js';
import { WORKER_APP_ID } from './distributed-worker.js';

/** What a {@link DistributedRunner} drives. */
export interface DistributedRunnerOptions {
  /** The module that exports the `DistributedWorker` subclass (e.g. `new URL('./worker.ts', import.meta.url)`). */
  readonly worker: URL | string;
  /** The export that holds the class (default: `default`). */
  readonly exportName?: string;
  /** Ranks of the group. */
  readonly worldSize: number;
  /** `CUDA_VISIBLE_DEVICES` of each rank (default: the rank). */
  readonly deviceMap?: (rank: number) => string;
  /** Default timeout of every collective. */
  readonly collectiveTimeoutMs?: number;
  /** How long a cancelled payload's code may go on before the group is killed (default 5 s). */
  readonly cancelDeadlineMs?: number;
  /** Extra Node flags of every rank process. */
  readonly nodeOptions?: readonly string[];
}

/** One event of a payload's run, as {@link DistributedRunner.stream} yields it. */
export interface RunnerEvent {
  readonly type: EventType;
  readonly data: unknown;
}

/** Options of {@link DistributedRunner.stream} and {@link DistributedRunner.invoke}. */
export interface RunnerCallOptions {
  /** Aborting it cancels the payload on every rank. */
  readonly signal?: AbortSignal;
}

/** Options of {@link DistributedRunner.stream} when it yields SSE text. */
export interface RunnerTextOptions extends RunnerCallOptions {
  /** Yield each event as the UTF-8 bytes of one SSE frame, `data: <json>\n\n` (fal's shape). */
  readonly asTextEvents: true;
}

/**
 * Drives a group of `worldSize` rank processes yourself, shaped like fal's
 * `DistributedRunner`: every rank runs the worker's `handle` for each payload; rank 0's
 * streaming results and return value come back. The group starts on first use (or
 * `start()`), restarts if a rank dies (the payload then fails with `worker_lost`), and
 * runs one payload at a time; others wait.
 *
 * @example
 * const runner = new DistributedRunner({ worker: new URL('./worker.ts', import.meta.url), worldSize: 2 });
 * for await (const event of runner.stream({ prompt: 'a sunset', steps: 20 })) console.log(event);
 * const result = await runner.invoke({ prompt: 'a sunset', steps: 20 });
 * await runner.close();
 */
export class DistributedRunner<Payload = unknown, Result = unknown> {
  private readonly app: App;
  private readonly pool: ReplicaPool;

  constructor(options: DistributedRunnerOptions) {
    this.app = defineApp({
      id: WORKER_APP_ID,
      input: z.unknown(),
      run: () => undefined,
      deviceMap: options.deviceMap,
    });
    const overrides: RuntimeOverrides = {
      isolation: 'process',
      replicas: 1,
      worldSize: options.worldSize,
      cancelDeadlineMs: options.cancelDeadlineMs,
      collectiveTimeoutMs: options.collectiveTimeoutMs,
      nodeOptions: options.nodeOptions,
    };
    const moduleUrl = String(options.worker);
    const exportName = options.exportName ?? 'default';
    this.pool = new ReplicaPool({
      target: { kind: 'worker', moduleUrl, exportName },
      placement: resolvePlacement(this.app, overrides),
    });
  }

  /** Starts every rank and runs their `setup`; resolves once they are ready (or failed). */
  start(): Promise<void> {
    return this.pool.start();
  }

  /**
   * Runs one payload and yields rank 0's events as they come, the `result` last; throws a
   * `SluiceError` if it fails. With `asTextEvents: true` it yields instead each event as one
   * SSE frame's bytes in the `data` dialect (`data: <payload>\n\n`, fal's frames), ready to
   * hand to an HTTP response; a failure is then the last frame, `data: {"code": …,
   * "message": …}`, never a throw.
   *
   * @example
   * // Node's http: the frames straight into the response
   * response.writeHead(200, { 'content-type': 'text/event-stream' });
   * await pipeline(runner.stream(body, { asTextEvents: true }), response);
   */
  stream(payload: Payload, options: RunnerTextOptions): AsyncGenerator<Uint8Array>;
  stream(payload: Payload, options?: RunnerCallOptions): AsyncGenerator<RunnerEvent>;
  stream(
    payload: Payload,
    options: RunnerCallOptions & { readonly asTextEvents?: boolean } = {},
  ): AsyncGenerator<RunnerEvent> | AsyncGenerator<Uint8Array> {
    return options.asTextEvents
      ? textFrames(this.events(payload, options))
      : values(this.events(payload, options));
  }

  /** Rank 0's events up to the terminal one; throws only if the run could not start. */
  private async *events(payload: Payload, options: RunnerCallOptions): AsyncGenerator<NewEvent> {
    const channel = new EventChannel();
    const control = new RunControl(randomUUID());
    const cancel = () => control.abort(new SluiceError('cancelled', 'The payload was cancelled'));
    options.signal?.addEventListener('abort', cancel, { once: true });
    const outcome = this.pool.execute({
      app: this.app,
      endpoint: this.app.endpoints.get('')!,
      input: payload,
      requestId: control.requestId,
      control,
      sink: channel.sink,
    });
    outcome.then(
      () => channel.end(),
      () => channel.end(),
    );
    try {
      for await (const event of channel) {
        yield event;
        if (isTerminal(event.type)) return;
      }
      await outcome; // ended without a terminal event: the run could not start
    } finally {
      options.signal?.removeEventListener('abort', cancel);
      control.abort(new SluiceError('cancelled', 'The caller stopped reading'));
    }
  }

  /** Runs one payload and resolves with rank 0's return value. */
  async invoke(payload: Payload, options: RunnerCallOptions = {}): Promise<Result> {
    for await (const event of this.stream(payload, options)) {
      if (event.type === 'result') return event.data as Result;
    }
    throw new SluiceError('internal', 'The run ended without a result');
  }

  /** The group's state: `ready` once every rank has finished `setup`, with its processes and restarts. */
  status(): AppStatus {
    return this.pool.status();
  }

  /** Stops every rank. */
  close(): Promise<void> {
    return this.pool.close();
  }
}

/** Events as values; a terminal `error` is thrown. */
async function* values(events: AsyncGenerator<NewEvent>): AsyncGenerator<RunnerEvent> {
  for await (const event of events) {
    const data: unknown = JSON.parse(event.json);
    if (event.type === 'error') throw toRunnerError(data);
    yield { type: event.type, data };
  }
}

/** Events as `data`-dialect frames; a run that could not start ends with an error frame too. */
async function* textFrames(events: AsyncGenerator<NewEvent>): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  let seq = 0;
  try {
    for await (const event of events)
      yield encoder.encode(encodeDialectFrame('data', Object.assign({}, event, { seq: ++seq })));
  } catch (error) {
    const { code, message } = toSluiceError(error);
    yield encoder.encode(encodeStreamFailure('data', toAsciiJson({ code, message })));
  }
}

function toRunnerError(data: unknown): SluiceError {
  const { code, message } = data as { code: SluiceError['code']; message: string };
  return new SluiceError(code, message);
}
