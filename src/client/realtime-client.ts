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
    this.socket.send(JSON.stringify(input));
    this.unanswered = { input, ordinal: ++this.sent };
    return true;
  }

  private async connect(): Promise<void> {
    this.state = 'connecting';
    let url: string;
    try {
      url = await this.url();
    } catch (thrown) {
      return this.dropped(thrown);
    }
    if (this.stopped.signal.aborted) return;
    const socket = new this.construct(url);
    this.socket = socket;
    this.sent = 0;
    socket.onopen = () => {
      this.state = 'open';
      this.failures = 0;
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
      if (code === NORMAL_CLOSURE) {
        this.state = 'idle'; // the server closed an idle session: reopen on the next send
        return;
      }
      this.dropped(new SluiceError('app_unavailable', `The connection closed (${code} ${reason})`));
    };
  }

  private receive(message: Message): void {
    const unanswered = this.unanswered;
    const requestId = message.request_id;
    if (unanswered && message.accepted === unanswered.ordinal && typeof requestId === 'string')
      unanswered.requestId = requestId;
    const lost =
      message.type === 'x-fal-error' &&
      message.error === 'request_not_found' &&
      unanswered?.requestId !== undefined &&
      requestId === unanswered.requestId;
    // The gateway it reconnected to does not know the request (a restarted memory gateway):
    // the input is sent again rather than reported lost.
    if (lost) return void this.resend(unanswered);
    if (!dispatchMessage(message, this.options)) return;
    if (unanswered?.requestId === undefined || requestId === unanswered.requestId)
      this.unanswered = undefined;
  }

  private resend(unanswered: Unanswered): void {
    this.unanswered = undefined;
    this.pacer.offerIfEmpty(unanswered.input);
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
      this.state = 'idle';
      return this.options.onError?.(error, { requestId: null });
    }
    // An input that became a request is reattached on the next connection; one that had
    // not is sent again.
    if (this.unanswered?.requestId !== undefined) this.reattachTo = this.unanswered.requestId;
    else if (this.unanswered) this.pacer.offerIfEmpty(this.unanswered.input);
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
