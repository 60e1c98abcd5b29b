import { SluiceError } from '../errors/sluice-error.js';
import { backoffDelay, sleep } from './backoff.js';
import { appPath, type Settings } from './client-settings.js';
import { LatestInput } from './latest-input.js';
import { dispatchMessage } from './realtime-messages.js';
import type {
  RealtimeConnection,
  RealtimeOptions,
  WebSocketConstructor,
  WebSocketLike,
} from './realtime-types.js';

const OPEN = 1;
const NORMAL_CLOSURE = 1000;
const MESSAGE_TOO_BIG = 1009;
const TOKEN_SECONDS = 120;

function webSocketOf(options: RealtimeOptions): WebSocketConstructor {
  const constructor =
    options.webSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (!constructor)
    throw new TypeError('No WebSocket here: pass options.webSocket (in Node 20, `ws`)');
  return constructor;
}

/** The latest input sent and not yet answered, and the request it became once acknowledged. */
interface Unanswered {
  readonly input: unknown;
  /** Its number on its connection (the server's `accepted` count). */
  readonly ordinal: number;
  requestId?: string;
}

type Message = Record<string, unknown>;

const ATTACH = 'x-sluice-attach';

/**
 * One realtime connection of `sluice/client`: JSON text frames, a short-lived token in the
 * URL (browsers cannot send headers), latest-input-wins throttling, and reconnection with
 * backoff when the connection drops (a gateway that died: the next one takes over). It
 * asks for acknowledgements (`acks=1`), so after a reconnect an unanswered input that had
 * become a request is reattached by its request id (`x-sluice-attach`), not run again; one
 * that had not (or whose request the new gateway does not know) is sent again.
 */
class RealtimeClient {
  private socket: WebSocketLike | undefined;
  private state: 'idle' | 'connecting' | 'open' | 'closed' = 'idle';
  private failures = 0;
  private unanswered: Unanswered | undefined;
  /** Inputs sent on the current connection. */
  private sent = 0;
  /** The request to reattach to once the next connection opens. */
  private reattachTo: string | undefined;
  /** The request this connection reattached to, until its answer (or `request_not_found`). */
  private attachedTo: string | undefined;
  private readonly pacer: LatestInput<unknown>;
  private readonly stopped = new AbortController();
  private readonly construct: WebSocketConstructor;

  constructor(
    private readonly settings: Settings,
    private readonly appId: string,
    private readonly options: RealtimeOptions,
  ) {
    this.construct = webSocketOf(options);
    this.pacer = new LatestInput(options.throttleMs ?? 0, (input) => this.deliver(input));
  }

  send(input: unknown): void {
    if (this.state === 'closed') return;
    this.pacer.offer(input);
    if (this.state === 'idle') void this.connect();
  }

  close(): void {
    this.state = 'closed';
    this.stopped.abort();
    this.pacer.stop();
    this.socket?.close(NORMAL_CLOSURE);
  }

  private deliver(input: unknown): boolean {
    if (this.state !== 'open' || this.socket?.readyState !== OPEN) return false;
    // `undefined` as `null`: a frame that is not JSON is not counted by the server, and the
    // acknowledgements' numbers would no longer match this connection's.
    this.socket.send(JSON.stringify(input) ?? 'null');
    this.unanswered = { input, ordinal: ++this.sent };
    return true;
  }

  private async connect(): Promise<void> {
    if (this.stopped.signal.aborted) return;
    this.state = 'connecting';
    let socket: WebSocketLike;
    try {
      const url = await this.url();
      if (this.stopped.signal.aborted) return;
      socket = new this.construct(url);
    } catch (thrown) {
      return this.dropped(thrown);
    }
    this.socket = socket;
    this.sent = 0;
    socket.onopen = () => {
      this.state = 'open';
      this.failures = 0;
      this.attachedTo = this.reattachTo;
      if (this.reattachTo !== undefined)
        socket.send(JSON.stringify({ type: ATTACH, request_id: this.reattachTo }));
      this.reattachTo = undefined;
      this.pacer.flush();
    };
    socket.onmessage = ({ data }) => {
      if (typeof data === 'string') this.receive(JSON.parse(data) as Message);
    };
    socket.onerror = () => undefined; // onclose follows with the code
    socket.onclose = ({ code, reason }) => {
      if (this.socket !== socket || this.state === 'closed') return;
      if (code === MESSAGE_TOO_BIG) return this.refusedAsTooBig();
      if (code === NORMAL_CLOSURE) return this.closedWhileIdle();
      this.dropped(new SluiceError('app_unavailable', `The connection closed (${code} ${reason})`));
    };
  }

  private receive(message: Message): void {
    const unanswered = this.unanswered;
    const requestId = typeof message.request_id === 'string' ? message.request_id : null;
    if (unanswered && message.accepted === unanswered.ordinal && requestId !== null)
      unanswered.requestId = requestId;
    if (requestId !== null && requestId === this.attachedTo && isAnswer(message)) {
      this.attachedTo = undefined;
      // The gateway it reconnected to does not know the request (a restarted memory
      // gateway): its input is sent again rather than reported lost, unless a newer one has
      // replaced it since.
      if (message.error === 'request_not_found') {
        if (unanswered?.requestId === requestId) this.resend(unanswered);
        return;
      }
    }
    if (!dispatchMessage(message, this.options)) return;
    if (answersUnanswered(message, requestId, unanswered)) this.unanswered = undefined;
  }

  private resend(unanswered: Unanswered): void {
    this.unanswered = undefined;
    this.pacer.offerIfEmpty(unanswered.input);
  }

  /** Keeps the unanswered input for the next connection: reattached if it became a request, else sent again. */
  private carryUnanswered(): void {
    if (this.unanswered?.requestId !== undefined) this.reattachTo = this.unanswered.requestId;
    else if (this.unanswered) this.pacer.offerIfEmpty(this.unanswered.input);
  }

  /**
   * The server closed an idle session (1000): reopen on the next send, or at once when an
   * input crossed the close (sent as the server closed, it was never answered).
   */
  private closedWhileIdle(): void {
    this.state = 'idle';
    this.carryUnanswered();
    if (this.reattachTo !== undefined || this.pacer.pending) void this.connect();
  }

  /** The last input was larger than the endpoint takes (1009): it is reported, not sent again. */
  private refusedAsTooBig(): void {
    this.state = 'idle';
    this.unanswered = undefined;
    const error = new SluiceError('payload_too_large', 'The input was larger than the app takes');
    this.options.onError?.(error, { requestId: null });
    if (this.pacer.pending) void this.connect();
  }

  /** The connection failed or dropped: try again with backoff, the latest input kept. */
  private dropped(thrown: unknown): void {
    if (this.state === 'closed') return;
    this.state = 'connecting';
    this.failures++;
    const error =
      thrown instanceof SluiceError
        ? thrown
        : new SluiceError('app_unavailable', 'The connection failed');
    if (error.code === 'unauthorized' || this.failures > this.settings.policy.attempts) {
      // Given up: the next send starts afresh, with nothing of this outage carried over.
      this.state = 'idle';
      this.failures = 0;
      this.unanswered = undefined;
      this.reattachTo = undefined;
      return this.options.onError?.(error, { requestId: null });
    }
    this.carryUnanswered();
    const delay = backoffDelay(this.settings.policy, this.failures);
    void sleep(delay, this.stopped.signal).then(() => this.connect());
  }

  private async url(): Promise<string> {
    const base = this.settings.baseUrl.replace(/^http/, 'ws');
    const query = new URLSearchParams();
    const token = await this.token();
    if (token !== undefined) query.set('token', token);
    if (this.options.onEvent) query.set('events', '1');
    query.set('acks', '1');
    const search = query.toString() === '' ? '' : `?${query.toString()}`;
    return `${base}/${appPath(this.appId)}${this.options.path ?? ''}/realtime${search}`;
  }

  private async token(): Promise<string | undefined> {
    if (this.options.tokenProvider) return this.options.tokenProvider(this.appId);
    if (this.settings.headers.authorization === undefined) return undefined;
    const response = await this.settings.fetch(`${this.settings.baseUrl}/tokens/`, {
      method: 'POST',
      headers: { ...this.settings.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ allowed_apps: [this.appId], token_expiration: TOKEN_SECONDS }),
      signal: this.stopped.signal,
    });
    if (response.status === 401) throw new SluiceError('unauthorized', 'The API key is not valid');
    if (!response.ok)
      throw new SluiceError('app_unavailable', `POST /tokens/ answered ${response.status}`);
    return (await response.json()) as string;
  }
}

/** A result or an error: what ends a request's answer (not an ack, event or dropped count). */
function isAnswer(message: Message): boolean {
  return message.type !== 'x-fal-message';
}

/**
 * Whether `message` answers the unanswered input: its request's result or error, or, for an
 * input not yet acknowledged, the error of an input refused before it became a request,
 * when its number (`refused`) is this input's (a server that numbers no refusals: any such
 * error). An answer to an earlier input leaves it waiting.
 */
function answersUnanswered(
  message: Message,
  requestId: string | null,
  unanswered: Unanswered | undefined,
): boolean {
  if (!unanswered || !isAnswer(message)) return false;
  if (unanswered.requestId !== undefined) return requestId === unanswered.requestId;
  if (requestId !== null || message.type !== 'x-fal-error') return false;
  return message.refused === undefined || message.refused === unanswered.ordinal;
}

/**
 * Opens a realtime connection to an app (see `client.realtime`). The socket opens on the
 * first `send`.
 *
 * @example
 * const connection = openRealtime(settings, 'demo/sketch', { onResult: show });
 * connection.send({ angle: 30 });
 */
export function openRealtime<Input, Output>(
  settings: Settings,
  appId: string,
  options: RealtimeOptions<Output>,
): RealtimeConnection<Input> {
  const client = new RealtimeClient(settings, appId, options as RealtimeOptions);
  return { send: (input) => client.send(input), close: () => client.close() };
}
