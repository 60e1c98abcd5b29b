import type { Logger } from 'pino';
import type { App } from '../app/define-app.js';
import { parseInput } from '../app/input-schema.js';
import { endIfLive } from '../dispatch/end-request.js';
import type { RequestAftermath } from '../dispatch/request-aftermath.js';
import type { RequestDispatch } from '../dispatch/request-dispatch.js';
import type { QueueEntry, QueuedRequest } from '../dispatch/request-queue.js';
import type { Submission, TrackedRequest } from '../dispatch/tracked-request.js';
import { toAsciiJson } from '../events/ascii-json.js';
import type { EventLog, RequestRecord } from '../events/event-log.js';
import type { NewEvent } from '../events/event-types.js';
import { SluiceError } from '../errors/sluice-error.js';
import type { Runtime } from '../runtime/inline-runtime.js';
import type { RunControl } from '../runtime/run-control.js';
import { toTerminalError } from '../runtime/terminal-error.js';
import type { RunStates } from './run-states.js';

/** What every run of a worker shares. */
export interface RemoteRunParts {
  readonly runtime: Runtime;
  readonly eventLog: EventLog;
  readonly states: RunStates;
  readonly dispatch: Pick<RequestDispatch, 'childRunsFor'>;
  readonly logger: Logger;
  /** Delivers webhooks of the runs this worker ends. */
  readonly aftermath: RequestAftermath;
}

/** One taken request. */
export interface TakenRequest {
  readonly entry: QueueEntry;
  readonly app: App;
  readonly control: RunControl;
}

function retryNotice(attempt: number, retries: number): NewEvent {
  const message = `The worker running this request was lost; starting again (attempt ${attempt} of ${retries + 1})`;
  return {
    type: 'log',
    json: toAsciiJson({ level: 'warn', message, timestamp: new Date().toISOString() }),
  };
}

/**
 * One request on a worker, from the queue to its terminal event: the start timeout, a
 * cancel that came first, the input parsed with the app's own schema, the run, and its
 * webhook. The request never stays live once this is over.
 *
 * @example
 * await new RemoteRun(parts, { entry, app, control }).execute();
 */
export class RemoteRun {
  private readonly record: RequestRecord;
  private readonly request: QueuedRequest;

  constructor(
    private readonly parts: RemoteRunParts,
    private readonly taken: TakenRequest,
  ) {
    const { entry } = taken;
    if (!entry.request) throw new TypeError(`Queue entry ${entry.requestId} carries no request`);
    this.request = entry.request;
    this.record = {
      requestId: entry.requestId,
      appId: entry.appId,
      endpoint: entry.endpoint,
      owner: entry.request.owner,
      createdAt: entry.enqueuedAt,
    };
  }

  async execute(): Promise<void> {
    const { requestId } = this.record;
    const { startDeadline } = this.request;
    if (startDeadline !== undefined && Date.now() > startDeadline) {
      const seconds = (startDeadline - this.record.createdAt) / 1000;
      await this.parts.states.ended(requestId, true);
      return this.end(new SluiceError('timeout', `The request did not start within ${seconds} s`));
    }
    const tracked = await this.start();
    try {
      await this.run(tracked);
    } catch (thrown) {
      await this.end(toTerminalError(thrown));
    }
    await this.end(new SluiceError('internal', 'The run ended without a result'));
    tracked.state = 'ended';
    tracked.endedAt = Date.now();
    await this.parts.states.ended(requestId);
    await this.parts.aftermath.record(tracked);
  }

  private async start(): Promise<TrackedRequest> {
    const { entry, app, control } = this.taken;
    const { attempt, cancel } = await this.parts.states.started(entry.requestId);
    if (cancel) control.abort(cancel);
    const endpoint = app.endpoints.get(entry.endpoint)!;
    if (attempt > 1)
      await this.parts.eventLog.append(entry.requestId, [retryNotice(attempt, endpoint.retries)]);
    const { input, ...rest } = this.request;
    const submission: Submission = { app, endpoint, input, ...rest };
    return { record: this.record, submission, state: 'running', startedAt: Date.now() };
  }

  private async run(tracked: TrackedRequest): Promise<void> {
    const { runtime, eventLog, dispatch } = this.parts;
    const { control } = this.taken;
    const input = await parseInput(tracked.submission.endpoint.input, tracked.submission.input);
    control.signal.throwIfAborted();
    const { requestId } = this.record;
    const sink = (events: readonly NewEvent[]) => eventLog.append(requestId, events);
    await runtime.execute({
      ...tracked.submission,
      input,
      requestId,
      control,
      sink,
      caps: eventLog.limits,
      childRuns: dispatch.childRunsFor(this.record),
    });
  }

  private end(error: SluiceError): Promise<void> {
    const { eventLog, logger } = this.parts;
    const { requestId } = this.record;
    return endIfLive({ eventLog, logger, requestId, error, unexpected: false });
  }
}
