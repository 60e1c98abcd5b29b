import type { RawData, WebSocket } from 'ws';
import type { RealtimeSettings } from '../../app/realtime-options.js';
import { errorFromEvent } from '../../dispatch/terminal-outcome.js';
import type { LoggedEvent } from '../../events/event-types.js';
import { isTerminal } from '../../events/event-types.js';
import { nextBatch } from '../../events/read-cursor.js';
import { readTerminal } from '../../events/read-terminal.js';
import { LightAbortSignal } from '../../events/wait-signal.js';
import { SluiceError, toSluiceError } from '../../errors/sluice-error.js';
import type { ResolvedRunRoute } from '../app-routes.js';
import type { GatewayContext } from '../gateway-context.js';
import { prepareRun, type PreparedRun } from '../routes/submit-run.js';
import { InputGate } from './input-gate.js';
import { acceptedMessage, attachTargetOf, checkReattach, refusedMessage } from './reattach.js';
import { decodeFrame, encodeFrame, payloadOf, type FrameEncoding } from './realtime-frames.js';
import {
  droppedMessage,
  errorMessage,
  eventMessage,
  resultMessage,
  type RealtimeMessage,
} from './realtime-messages.js';

/** Who a connection is and what it asked for, settled before the upgrade. */
export interface SessionOptions {
  readonly route: Pick<ResolvedRunRoute, 'app' | 'endpoint'>;
  readonly owner: string;
  readonly settings: RealtimeSettings;
  /** Send each request's stream events too, not only its result. */
  readonly events: boolean;
  /** Tell which request each input became, as it is accepted (`acks=1`): see reattach.ts. */
  readonly acks?: boolean;
}

interface PendingInput {
  readonly prepared: PreparedRun;
  readonly encoding: FrameEncoding;
  /** Its number on this connection, from 1. */
  readonly ordinal: number;
}

const OPEN = 1;
const DRAIN_POLL_MS = 5;

/**
 * One realtime connection: each message in is an input, prepared and dispatched like any
 * other view's through the {@link InputGate}; each request's result (and, when asked, its
 * events) goes back in the encoding its input came in. While a request runs the
 * connection counts as its client, so a connection that vanishes cancels its runs after
 * the usual grace. It pings the peer and drops one that stops answering, and closes
 * itself (1000) once idle.
 *
 * @example
 * new RealtimeSession(context, socket, { route, owner, settings, events: false });
 */
export class RealtimeSession {
  private readonly gate: InputGate<PendingInput>;
  /** Aborts when the connection ends: what its inputs' waits on the event log listen to. */
  private readonly closed = new LightAbortSignal();
  private arrivals: Promise<void> = Promise.resolve();
  private inputs = 0;
  /** Requests followed through `x-sluice-attach`: they take no room in the gate. */
  private following = 0;
  private awaitingPong = false;
  /** Resolved once nothing runs, waits or is followed: see {@link answered}. */
  private answeredWaiters: (() => void)[] = [];
  private readonly keepAlive: NodeJS.Timeout;
  private readonly idle: NodeJS.Timeout;

  constructor(
    private readonly context: GatewayContext,
    private readonly socket: WebSocket,
    private readonly options: SessionOptions,
  ) {
    const { settings } = options;
    this.gate = new InputGate(settings);
    this.keepAlive = setInterval(() => this.ping(), settings.pingIntervalMs).unref();
    this.idle = setTimeout(() => this.closeIfIdle(), settings.idleTimeoutMs).unref();
    socket.on('message', (data, isBinary) => this.receive(data, isBinary));
    socket.on('pong', () => (this.awaitingPong = false));
    socket.on('error', () => undefined); // ws closes the socket itself (1009, 1002…)
    socket.once('close', () => this.end());
  }

  /** Closes the connection with `code` (1001 when the server shuts down). */
  close(code: number, reason: string): void {
    this.socket.close(code, reason);
  }

  /**
   * Resolves once every input taken has been answered and every followed request too (at
   * once when there are none), or the connection has ended: what a shutting-down gateway
   * waits for before it closes the connection.
   */
  answered(): Promise<void> {
    if (this.quiet || this.closed.aborted) return Promise.resolve();
    return new Promise((resolve) => this.answeredWaiters.push(resolve));
  }

  /** Nothing runs, waits or is followed. */
  private get quiet(): boolean {
    return this.gate.idle && this.following === 0;
  }

  private receive(data: RawData, isBinary: boolean): void {
    // A frame that arrives while the session closes would run unanswered: ignored.
    if (this.socket.readyState !== OPEN) return;
    this.idle.refresh();
    const frame = decodeFrame(data as Buffer, isBinary);
    if (!frame.ok) return this.send(errorMessage(frame.error, null), frame.encoding);
    const { value, encoding } = frame;
    const reattach = attachTargetOf(value);
    if (reattach !== undefined) return void this.reattach(reattach, encoding);
    const ordinal = ++this.inputs;
    // One after another: inputs reach the gate in the order they arrived.
    this.arrivals = this.arrivals.then(() => this.admit(value, encoding, ordinal));
  }

  private async admit(sent: unknown, encoding: FrameEncoding, ordinal: number): Promise<void> {
    try {
      const prepared = await prepareRun(this.context, {
        route: this.options.route,
        owner: this.options.owner,
        sent,
        headers: {},
        view: 'realtime',
        cancelOnDisconnect: true,
        // Its answer is read from the log once the run has ended: without an ack to send
        // first, a run that can start at once starts within the submission.
        startInThisTurn: !this.options.acks,
      });
      if (this.closed.aborted) return;
      const { start } = this.gate.offer({ prepared, encoding, ordinal });
      if (start) void this.runFrom(start);
    } catch (thrown) {
      this.send(this.refusal(this.safeError(thrown), ordinal), encoding);
    }
  }

  /** The error of an input that never became a request: numbered when acks were asked for. */
  private refusal(error: SluiceError, ordinal: number): RealtimeMessage {
    return this.options.acks ? refusedMessage(error, ordinal) : errorMessage(error, null);
  }

  private async runFrom(first: PendingInput): Promise<void> {
    let next: PendingInput | undefined = first;
    while (next && !this.closed.aborted) {
      await this.runOne(next);
      next = this.gate.finish();
    }
    this.wentQuiet();
  }

  private async runOne({ prepared, encoding, ordinal }: PendingInput): Promise<void> {
    let requestId: string | null = null;
    try {
      const { record } = await this.context.dispatcher.submit(prepared);
      requestId = record.requestId;
      if (this.options.acks) this.send(acceptedMessage(requestId, ordinal), encoding);
      const dropped = this.gate.takeDropped();
      if (dropped > 0) this.send(droppedMessage(requestId, dropped), encoding);
      await this.answer(requestId, encoding);
    } catch (thrown) {
      const error = this.safeError(thrown, requestId);
      this.send(
        requestId ? errorMessage(error, requestId) : this.refusal(error, ordinal),
        encoding,
      );
    }
  }

  /**
   * An `x-sluice-attach` frame: follows a request this owner started (on an earlier
   * connection, through any gateway) and answers it as if its input had come here. It
   * starts nothing, so it takes no room in the gate.
   */
  private async reattach(requestId: string, encoding: FrameEncoding): Promise<void> {
    const { owner, route } = this.options;
    this.following++;
    try {
      const lookup = await this.context.eventLog.lookup(requestId);
      checkReattach(requestId, lookup, { owner, appId: route.app.id });
      await this.answer(requestId, encoding);
    } catch (thrown) {
      this.send(errorMessage(this.safeError(thrown, requestId), requestId), encoding);
    } finally {
      this.following--;
      this.wentQuiet();
    }
  }

  /** Attached as the request's client, sends its events (when asked) and its answer. */
  private async answer(requestId: string, encoding: FrameEncoding): Promise<void> {
    const detach = this.context.dispatcher.attach(requestId);
    try {
      const terminal = await this.follow(requestId, encoding);
      if (terminal) this.send(terminalMessage(requestId, terminal, encoding), encoding);
      else if (!this.closed.aborted) this.send(errorMessage(expired(), requestId), encoding);
    } finally {
      detach();
    }
  }

  /** The request's terminal event; its other events are sent on the way when asked for. */
  private async follow(requestId: string, encoding: FrameEncoding) {
    const { eventLog } = this.context;
    const signal = this.closed;
    if (!this.options.events) return readTerminal(eventLog, requestId, signal);
    let afterSeq = 0;
    for (;;) {
      await this.drained();
      const caughtUp = afterSeq > 0;
      const batch = await nextBatch(eventLog, requestId, { afterSeq, signal, caughtUp });
      if (!batch) return undefined;
      for (const event of batch.events) {
        if (isTerminal(event.type)) return event;
        this.send(eventMessage(requestId, event, payloadOf(event.json, encoding)), encoding);
      }
      afterSeq = batch.lastSeq;
    }
  }

  /**
   * Waits while the socket holds more than `maxBufferedBytes` unsent: the cursor then reads
   * later, and superseded progress and previews are skipped (latest wins), as for SSE.
   */
  private async drained(): Promise<void> {
    const { maxBufferedBytes } = this.options.settings;
    while (this.socket.bufferedAmount > maxBufferedBytes && !this.closed.aborted)
      await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
  }

  private send(message: RealtimeMessage, encoding: FrameEncoding): void {
    if (this.socket.readyState === OPEN) this.socket.send(encodeFrame(message, encoding));
  }

  private safeError(thrown: unknown, requestId: string | null = null): SluiceError {
    const error = toSluiceError(thrown);
    if (error.code === 'internal')
      this.context.logger.error({ requestId, err: thrown }, 'realtime input failed');
    return error;
  }

  private ping(): void {
    if (this.awaitingPong) return this.socket.terminate(); // the peer is gone
    this.awaitingPong = true;
    this.socket.ping();
  }

  /** A run or a follow ended: idle from now (not from when the timer last looked), and answered if nothing else is going. */
  private wentQuiet(): void {
    this.idle.refresh();
    if (this.quiet) this.releaseAnsweredWaiters();
  }

  private releaseAnsweredWaiters(): void {
    const waiters = this.answeredWaiters;
    this.answeredWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private closeIfIdle(): void {
    if (!this.quiet) return void this.idle.refresh();
    this.socket.close(1000, 'idle timeout');
  }

  private end(): void {
    this.closed.abort();
    clearInterval(this.keepAlive);
    clearTimeout(this.idle);
    this.gate.clear();
    this.releaseAnsweredWaiters();
  }
}

/** A request's answer from its terminal event: its result, or its error. */
function terminalMessage(
  requestId: string,
  terminal: LoggedEvent,
  encoding: FrameEncoding,
): RealtimeMessage {
  if (terminal.type === 'error') return errorMessage(errorFromEvent(terminal), requestId);
  return resultMessage(requestId, payloadOf(terminal.json, encoding));
}

function expired(): SluiceError {
  return new SluiceError('request_expired', 'The request ended and was dropped before it was read');
}
