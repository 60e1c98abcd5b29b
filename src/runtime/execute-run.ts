import type { z } from 'zod';
import type { App, ServedEndpoint } from '../app/define-app.js';
import { EventWriter, type BufferFull, type EventSink, type QueueCaps } from './event-writer.js';
import { createRunContext } from './run-context.js';
import { isThenable, runScope } from './run-scope.js';
import type { RunContext } from '../app/app-types.js';
import { carriedJson } from './carried-json.js';
import { DEFAULT_EVENT_LOG_LIMITS } from '../events/event-log.js';
import type { NewEvent } from '../events/event-types.js';
import { SluiceError } from '../errors/sluice-error.js';
import type { ChildRuns } from './child-runs.js';
import type { Collectives } from './collectives/collectives.js';
import { RUN_FINISHED, type RunControl } from './run-control.js';
import { toTerminalError, terminalErrorEvent } from './terminal-error.js';
import { runDeadlineSeconds } from './run-deadline.js';
import { runPrepare, type PrepareResult } from './prepare-step.js';
import { drainOutputs, outputSource } from './run-outputs.js';
import { binaryPayload, isBytes } from '../events/binary-payload.js';
import { batcherFor } from './batcher.js';

/** One run to execute. */
export interface RunJob {
  readonly app: App;
  readonly endpoint: ServedEndpoint;
  /** Already validated against the endpoint's input schema. */
  readonly input: unknown;
  readonly state: unknown;
  readonly requestId: string;
  /**
   * How the run is stopped. The dispatcher aborts it to cancel (its clients left, or a
   * cancel call); the run aborts it itself when it fails, times out or ends.
   */
  readonly control: RunControl;
  readonly sink: EventSink;
  /** The event log's caps, which also bound what the run may have queued (default: the log defaults). */
  readonly caps?: QueueCaps;
  /** The run's worker group (default: a group of one). */
  readonly collectives?: Collectives;
  /** How `ctx.map` starts children. */
  readonly childRuns?: ChildRuns;
  /** The client's run deadline (`x-sluice-run-timeout`); it only shortens the app's. */
  readonly runTimeoutSeconds?: number;
  /**
   * Told once when the run emits after it ended (a forgotten `await`); the events are
   * dropped. Runtimes pass a logger's warning (inline) or {@link warnLateEmit} (replica
   * processes); default: nothing.
   */
  readonly onLateEmit?: (late: LateEmit) => void;
  /** The view that asked for it: a batched endpoint's stream view runs alone. */
  readonly view?: string;
  /**
   * W3C `traceparent` of the run's span, while tracing is on: its child runs (`ctx.map`)
   * are parented on it, wherever the run executes.
   */
  readonly traceparent?: string;
}

/** A run that emitted after it ended. */
export interface LateEmit {
  readonly requestId: string;
  readonly app: string;
  readonly endpoint: string;
}

/**
 * A late emit as a process warning on stderr: what a replica process, which has no
 * logger, says.
 *
 * @example
 * executeRun({ ...job, onLateEmit: warnLateEmit });
 */
export function warnLateEmit(late: LateEmit): void {
  process.emitWarning(lateEmitMessage(late), 'SluiceLateEmit');
}

/**
 * The warning for a run that emitted after it ended.
 *
 * @example
 * lateEmitMessage({ requestId: 'r1', app: 'demo/text', endpoint: '' });
 */
export function lateEmitMessage(late: LateEmit): string {
  const where = `${late.app}${late.endpoint}`;
  return `The run ${late.requestId} of ${where} emitted after it ended; its events were dropped (a missing await?)`;
}

/** What a run measured of itself, for metrics: each field only when it applies. */
export interface RunFacts {
  /** Seconds its `prepare` step took (when it succeeded). */
  readonly prepareSeconds?: number;
  /** When its `prepare` step ran and how it ended, succeeded or not: the `sluice.prepare` span. */
  readonly prepare?: PrepareTiming;
  /** The size of the batch it ran in, on the batch's first request only (one count per batch). */
  readonly batchSize?: number;
}

/** When a run's `prepare` step ran, and how it ended. */
export interface PrepareTiming {
  /** Milliseconds since the epoch. */
  readonly startedAt: number;
  readonly seconds: number;
  /** `ok` or the error code it failed with. */
  readonly outcome: string;
}

/** How a run ended, and what it measured. */
export type RunOutcome = (
  { readonly ok: true } | { readonly ok: false; readonly error: SluiceError }
) & { readonly facts?: RunFacts };

/** The run's output: what it returned, or, for a source of outputs, their drain's return value. */
function settleOutput(returned: unknown, context: RunContext): Promise<unknown> {
  return Promise.resolve(returned).then((value) => {
    const source = outputSource(value);
    return source ? drainOutputs(source, context) : value;
  });
}

/** What the run returned, as its output: a promise's value, or a source's drained outputs. */
function outputOf(returned: unknown, context: RunContext): unknown {
  if (isThenable(returned)) return settleOutput(returned, context);
  // Asked once: a source takes hold of what it reads (a ReadableStream's reader).
  const source = outputSource(returned);
  return source ? drainOutputs(source, context) : returned;
}

/**
 * Calls `run` and settles with its output, or rejects as soon as the run is stopped,
 * whether or not the app notices. One promise for both, so an idle run holds little. A
 * `run` that returns a plain value has its output at once: no promise, and the run's scope
 * is held only while it executes. The app's own work (its promise, the drain of its
 * outputs) keeps the scope until it settles, even past an abort it ignores.
 */
function runUntilAborted(call: () => unknown, context: RunContext, control: RunControl): unknown {
  const output = runScope.run(control.scope, () => outputOf(call(), context));
  if (isThenable(output)) return settledUnlessAborted(output, control);
  if (control.reason) throw control.reason; // it failed itself while it ran (`ctx` misuse)
  return output;
}

/** What `settling` settles with, or a rejection as soon as the run is stopped, whichever is first. */
function settledUnlessAborted<T>(settling: PromiseLike<T>, control: RunControl): Promise<T> {
  return new Promise((resolve, reject) => {
    const stopListening = control.onAbort(reject);
    // Not resolve(output): a promise resolved with a thenable could no longer be rejected on abort.
    settling.then(
      (value) => {
        stopListening();
        resolve(value);
      },
      (error: unknown) => {
        stopListening();
        // Whatever the run threw, passed on as it was: the caller makes it a SluiceError.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        reject(error);
      },
    );
  });
}

const MOST_ISSUES_NAMED = 3;

/** `output.images[0].url: Invalid input: expected string, received number`, for the first few issues. */
function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const named = issues.slice(0, MOST_ISSUES_NAMED).map((issue) => {
    const path = issue.path.reduce<string>(
      (text, part) => (typeof part === 'number' ? `${text}[${part}]` : `${text}.${String(part)}`),
      'output',
    );
    return `${path}: ${issue.message}`;
  });
  const more = issues.length - named.length;
  return named.join('; ') + (more > 0 ? ` (and ${more} more)` : '');
}

/** The `result` event of the run's output, checked against the endpoint's output schema if any. */
function resultEvent(endpoint: ServedEndpoint, output: unknown): NewEvent | Promise<NewEvent> {
  if (!endpoint.output) return carriedResult(output);
  return endpoint.output.safeParseAsync(output).then((parsed) => {
    if (parsed.success) return carriedResult(parsed.data);
    throw new SluiceError(
      'app_error',
      `The app returned an output that does not match its schema: ${describeIssues(parsed.error.issues)}`,
      { cause: parsed.error },
    );
  });
}

function carriedResult(output: unknown): NewEvent {
  const carried = isBytes(output) ? binaryPayload(output) : output;
  const json = carriedJson(carried ?? null, 'output');
  if (typeof json === 'string') return { type: 'result', json };
  throw new SluiceError('app_error', `The app returned an output ${json.problem}`, {
    cause: json.cause,
  });
}

function isBufferFull(reason: unknown): reason is BufferFull {
  return (reason as BufferFull | undefined)?.kind === 'buffer-full';
}

function bufferFullMessage(reason: BufferFull): string {
  const slow = 'The run emitted faster than its events could be appended';
  if (reason.limit === 'budget')
    return `${slow}, and holding more would take the server past its memory budget`;
  return `${slow}: its buffer of events not yet appended reached its cap of ${reason.cap} ${reason.limit}`;
}

/** Says which limit filled: the run's buffer of events not yet appended, or the log's caps. */
function refusalError(reason: unknown, caps: QueueCaps): SluiceError {
  if (isBufferFull(reason)) return new SluiceError('event_log_full', bufferFullMessage(reason));
  if (reason === 'full') {
    return new SluiceError(
      'event_log_full',
      `The run emitted more than its event log may keep (at most ${caps.maxEvents} events and ${caps.maxBytes} bytes)`,
    );
  }
  return new SluiceError('internal', 'The event log did not accept the run’s events', {
    cause: reason,
  });
}

function startTimeout(job: RunJob): () => void {
  const seconds = runDeadlineSeconds(job.app.timeoutSeconds, job.runTimeoutSeconds);
  if (seconds === undefined) return () => undefined;
  const timeout = new SluiceError('timeout', `The run did not finish within ${seconds} s`);
  const timer = setTimeout(() => job.control.abort(timeout), seconds * 1000);
  return () => clearTimeout(timer);
}

/**
 * What executing the run calls: `run`, or, for a batched endpoint outside the stream view,
 * its place in the next batch (whose size the batch's first request reports).
 */
function runCall(job: RunJob, context: RunContext, facts: { batchSize?: number }): () => unknown {
  const { endpoint } = job;
  const { batch, runBatch } = endpoint;
  if (!batch || !runBatch || job.view === 'stream') return () => endpoint.run(job.input, context);
  const batcher = batcherFor({ batch, runBatch }, job.state);
  return () =>
    batcher.submit(job.input, context).then(({ output, batchSize }) => {
      if (batchSize !== undefined) facts.batchSize = batchSize;
      return output;
    });
}

type MutableFacts = { -readonly [Key in keyof RunFacts]: RunFacts[Key] };

/** Runs the endpoint's `prepare` (if any) in the run's scope, noting its time in `facts`. */
async function timedPrepare(
  job: RunJob,
  context: RunContext,
  facts: MutableFacts,
): Promise<PrepareResult | undefined> {
  const startedAt = Date.now();
  const timing = (outcome: string) => ({
    startedAt,
    seconds: (Date.now() - startedAt) / 1000,
    outcome,
  });
  try {
    const prepared = await runScope.run(job.control.scope, () =>
      runPrepare(job.endpoint, job.input, context),
    );
    facts.prepare = timing('ok');
    if (prepared) facts.prepareSeconds = prepared.seconds;
    return prepared;
  } catch (thrown) {
    const { control } = job;
    facts.prepare = timing(toTerminalError(control.reason ?? thrown).code);
    throw thrown;
  }
}

/**
 * Executes one run: builds its context, calls `run` (a function or an async generator),
 * and writes exactly one terminal event through the sink. Never throws: every failure
 * becomes an `error` event. A run that ignores its aborted signal is left behind, its
 * later emits dropped; the terminal event goes out at once.
 *
 * @example
 * const outcome = await executeRun({ app, endpoint, input, state, requestId, controller, sink });
 */
export async function executeRun(job: RunJob): Promise<RunOutcome> {
  const { control } = job;
  const { scope } = control;
  const caps = job.caps ?? DEFAULT_EVENT_LOG_LIMITS;
  const writer = new EventWriter(
    job.sink,
    (reason) => control.abort(refusalError(reason, caps)),
    caps,
  );
  const stopTimeout = startTimeout(job);
  const contextOf = (prepared?: unknown) =>
    createRunContext({
      requestId: job.requestId,
      state: job.state,
      control,
      writer,
      previewQuality: job.app.previewQuality,
      fail: scope.fail,
      collectives: job.collectives,
      childRuns: job.childRuns,
      traceparent: job.traceparent,
      prepared,
    });
  let terminal: NewEvent;
  let outcome: RunOutcome = { ok: true };
  const facts: MutableFacts = {};
  try {
    if (control.reason) throw control.reason;
    let context = contextOf();
    const prepared = job.endpoint.prepare ? await timedPrepare(job, context, facts) : undefined;
    if (prepared) context = contextOf(prepared.value);
    const call = runCall(job, context, facts);
    // Awaited only when it is a promise: a plain output goes on in the same tick.
    const running = runUntilAborted(call, context, control);
    const output = isThenable(running) ? await running : running;
    // Its queued events appended, or the run stopped meanwhile.
    if (!writer.idle) await settledUnlessAborted(writer.drained(), control);
    const result = resultEvent(job.endpoint, output);
    terminal = isThenable(result) ? await result : result;
  } catch (thrown) {
    const error = toTerminalError(control.reason ?? thrown);
    // A run stopped from outside (cancelled, timed out, refused) drops what it had queued; one
    // that failed by itself sends it first: the log line or output just before the throw
    // is often what explains it.
    if (control.reason) writer.discardQueued();
    terminal = terminalErrorEvent(error, job.requestId);
    outcome = { ok: false, error };
  } finally {
    stopTimeout();
  }
  // Close the writer before the signal aborts: what the app emits from its abort listeners
  // is dropped, and can no longer push the terminal event out of its append.
  const written = writer.finish(terminal);
  writer.onLateEvent = () => {
    writer.onLateEvent = undefined;
    const late = { requestId: job.requestId, app: job.app.id, endpoint: job.endpoint.path };
    job.onLateEmit?.(late);
  };
  control.abort(RUN_FINISHED);
  await written;
  return Object.keys(facts).length > 0 ? { ...outcome, facts } : outcome;
}
