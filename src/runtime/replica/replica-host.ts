import { z } from 'zod';
import type { App, ServedEndpoint } from '../../app/define-app.js';
import type { EventSink } from '../event-writer.js';
import type { AppendResult } from '../../events/event-log.js';
import { SluiceError } from '../../errors/sluice-error.js';
import type { Collectives } from '../collectives/collectives.js';
import { executeRun, warnLateEmit } from '../execute-run.js';
import { RunControl } from '../run-control.js';
import { ChildRunsProxy } from './child-runs-proxy.js';
import { IpcRankTransport } from './ipc-rank-transport.js';
import { eventChars } from './link-batch.js';
import { LinkWindow } from './link-window.js';
import type { ReplicaChannel } from './replica-channel.js';
import {
  fromWireError,
  toWireError,
  type ParentMessage,
  type ReplicaMessage,
  type RunOrder,
} from './replica-protocol.js';
import { trackSettlement } from './track-settlement.js';
import { HeldState } from '../held-state.js';

/** Builds a run's collectives from its transport and signal (the collectives engine). */
export type CollectivesFactory = (run: {
  readonly transport: IpcRankTransport;
  readonly signal: AbortSignal;
}) => Collectives;

/** What a replica process serves, and where it sits in its group. */
export interface ReplicaHostOptions {
  readonly app: App;
  readonly state: unknown;
  readonly channel: ReplicaChannel;
  readonly rank: number;
  readonly worldSize: number;
  /** Present in groups of more than one rank. */
  readonly collectives?: CollectivesFactory;
}

interface AppendWaiter {
  readonly resolve: (result: AppendResult) => void;
  /** The event JSON the append carried, given back to the link window when acknowledged. */
  readonly chars: number;
}

interface HostedRun {
  readonly control: RunControl;
  readonly appendWaiters: AppendWaiter[];
  readonly transport: IpcRankTransport | undefined;
  /** Starts the run at once if it still waits for room on the link. */
  startNow: () => void;
}

const DISCARDED: AppendResult = { accepted: true, lastSeq: 0 };
const NOT_WAITING = (): void => undefined;

/**
 * The replica side of the IPC protocol: runs each order with `executeRun`, sends rank 0's
 * events to the parent as they are emitted (one message per batch the event writer makes,
 * acknowledged by the parent's append, so the log's caps and refusals hold), and reports
 * when each run has finished and when its code has returned.
 *
 * @example
 * new ReplicaHost({ app, state, channel, rank: 0, worldSize: 1 }).listen();
 */
export class ReplicaHost {
  private readonly runs = new Map<number, HostedRun>();
  private readonly childRuns: ChildRunsProxy;
  private readonly held: HeldState;
  /** New runs wait for room on the link (see link-window.ts). */
  private readonly linkWindow = new LinkWindow();

  constructor(private readonly options: ReplicaHostOptions) {
    this.childRuns = new ChildRunsProxy(options.channel);
    this.held = new HeldState(options.state);
    options.channel.onUnsendable?.((message, error) => this.unsendable(message, error));
  }

  /**
   * A run's message held a value that cannot travel between processes (a child's input, a
   * collective's payload): the run fails with why, as it would inline, and the replica goes
   * on. A message that belongs to no run is a fault of sluice's own, and is thrown.
   */
  private unsendable(message: ReplicaMessage, error: Error): void {
    const hosted = 'runId' in message ? this.runs.get(message.runId) : undefined;
    if (!hosted) throw error;
    const why = `The run passed on a value that cannot be sent between processes: ${error.message}`;
    hosted.control.abort(new SluiceError('app_error', why));
  }

  /** Handles one message from the parent. */
  readonly receive = (message: ParentMessage): void => {
    switch (message.kind) {
      case 'run':
        return this.admit(message.order);
      case 'cancel':
        return this.cancel(message.runId, fromWireError(message.error));
      case 'appended':
        return this.acknowledged(message.runId, message.result);
      case 'child-result':
      case 'child-events':
        return this.childRuns.settle(message.callId, message);
      case 'rank-message':
        return this.runs.get(message.runId)?.transport?.deliver(message.fromRank, message.message);
    }
  };

  /** Aborts the run (if its code has not returned) and says so: the parent's deadline starts then. */
  private cancel(runId: number, error: SluiceError): void {
    const hosted = this.runs.get(runId);
    hosted?.control.abort(error);
    hosted?.startNow(); // a run still waiting to start ends at once
    this.options.channel.send({ kind: 'cancel-seen', runId });
  }

  /**
   * Takes a run order: the run is known (and can be cancelled) at once, and starts when
   * the link has room. Only a replica of one rank waits: a worker group runs one run at a
   * time, and its ranks start together (only rank 0 sends events, so a rank 0 that waited
   * would hold the others in their first collective).
   */
  private admit(order: RunOrder): void {
    const { channel, rank, worldSize } = this.options;
    const { runId } = order;
    const transport =
      worldSize > 1 ? new IpcRankTransport({ channel, runId, rank, worldSize }) : undefined;
    const hosted: HostedRun = {
      control: new RunControl(order.requestId),
      appendWaiters: [],
      transport,
      startNow: NOT_WAITING,
    };
    this.runs.set(runId, hosted);
    const start = () => void this.run(order, hosted);
    if (worldSize === 1) hosted.startNow = this.linkWindow.admit(start);
    else start();
  }

  private acknowledged(runId: number, result: AppendResult): void {
    const waiter = this.runs.get(runId)?.appendWaiters.shift();
    if (!waiter) return;
    this.linkWindow.acknowledged(waiter.chars);
    waiter.resolve(result);
  }

  private async run(order: RunOrder, hosted: HostedRun): Promise<void> {
    const { channel, app, rank } = this.options;
    const { runId } = order;
    const { transport } = hosted;
    const found = app.endpoints.get(order.path);
    const endpoint = found && (await this.enteredUnlessAborted(found, order.stateKey, hosted));
    const tracked = endpoint ? trackSettlement(endpoint) : undefined;
    const outcome = await executeRun({
      app,
      endpoint: tracked?.endpoint ?? missingEndpoint(order.path),
      input: order.input,
      state: this.options.state,
      requestId: order.requestId,
      control: hosted.control,
      sink: rank === 0 ? this.sinkOf(runId, hosted) : () => Promise.resolve(DISCARDED),
      caps: order.caps,
      runTimeoutSeconds: order.runTimeoutSeconds,
      view: order.view,
      traceparent: order.traceparent,
      onLateEmit: warnLateEmit,
      collectives:
        transport && this.options.collectives?.({ transport, signal: hosted.control.signal }),
      // Only rank 0 starts children: every rank runs the same code, and a map per rank would
      // run each child worldSize times.
      childRuns: order.childRuns && rank === 0 ? this.childRuns.forRun(runId) : undefined,
    });
    // Mostly the code has returned by now: one message says both, so no cancel deadline runs.
    const returned = tracked === undefined || tracked.returned();
    channel.send({
      kind: 'finished',
      runId,
      facts: outcome.facts,
      ...(outcome.ok ? {} : { error: toWireError(outcome.error) }),
      ...(returned ? { settled: true } : {}),
    });
    if (!returned) await tracked.settled();
    this.runs.delete(runId);
    if (!returned) channel.send({ kind: 'settled', runId });
  }

  /**
   * The endpoint once the run's state key is entered, or at once if the run is cancelled
   * meanwhile: an aborted run ends without running the app's code, so its cancel answers
   * in time, where waiting for a long `enterState` would have had the replica killed at the
   * cancel deadline. The key goes on being entered for the runs after it.
   */
  private enteredUnlessAborted(
    endpoint: ServedEndpoint,
    key: string | undefined,
    { control }: HostedRun,
  ): Promise<ServedEndpoint> {
    const entered = this.held.endpointFor(endpoint, key);
    return new Promise((resolve) => {
      const stopListening = control.onAbort(() => resolve(endpoint));
      void entered.then((ready) => {
        stopListening();
        resolve(ready);
      });
    });
  }

  private sinkOf(runId: number, hosted: HostedRun): EventSink {
    return (events) =>
      new Promise((resolve) => {
        const chars = eventChars(events);
        hosted.appendWaiters.push({ resolve, chars });
        this.linkWindow.sent(chars);
        this.options.channel.send({ kind: 'append', runId, events });
      });
  }
}

function missingEndpoint(path: string): ServedEndpoint {
  const fail = () => {
    throw new SluiceError('not_found', `The app has no endpoint ${path || '(default)'}`);
  };
  return {
    path,
    description: undefined,
    input: z.unknown(),
    output: undefined,
    run: fail,
    limits: {},
    retries: 0,
  };
}
