import type { RunView } from './run-view.js';
import type { Connection, PageStream } from './sluice-connection.js';

/** What a session tells the page besides the run view. */
export interface SessionHooks {
  readonly view: RunView;
  /** The server named the request: put it in the URL, enable Cancel. */
  readonly onRequestId: (requestId: string) => void;
  /** The server refused the input: show each field's message next to it. */
  readonly onFieldErrors: (errors: ReadonlyMap<string, string>) => void;
  /** The run ended, however it ended. */
  readonly onSettled: () => void;
}

interface FieldProblem {
  readonly loc?: readonly unknown[];
  readonly msg?: unknown;
}

/** Each top-level field's first message from a 422's `detail` (loc `['body', field, …]`). */
function fieldErrorsOf(error: unknown): Map<string, string> {
  const fields = (error as { fields?: readonly FieldProblem[] }).fields ?? [];
  const errors = new Map<string, string>();
  for (const field of fields) {
    const name = field.loc?.[1];
    if (typeof name === 'string' && !errors.has(name)) errors.set(name, String(field.msg));
  }
  return errors;
}

function failureOf(error: unknown): { code: string; message: string } {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return {
    code: typeof code === 'string' ? code : 'internal',
    message: typeof message === 'string' ? message : String(error),
  };
}

const QUEUE_POLL_MS = 700;
/** About ten minutes of polling, then the stream alone says when it starts. */
const MOST_QUEUE_POLLS = 900;

/**
 * One run followed on the page, started here or re-attached after a reload.
 *
 * @example
 * const session = new RunSession({ connection, appId: 'demo/text', hooks });
 * await session.start({ prompt: 'Once' }, '');
 */
export class RunSession {
  private requestId: string | undefined;
  private eventSeen = false;
  private readonly connection: Connection;
  private readonly appId: string;
  private readonly hooks: SessionHooks;

  constructor(options: { connection: Connection; appId: string; hooks: SessionHooks }) {
    this.connection = options.connection;
    this.appId = options.appId;
    this.hooks = options.hooks;
  }

  start(input: unknown, path: string): Promise<void> {
    this.hooks.view.begin('Starting…');
    return this.follow(this.connection.stream(this.appId, input, path));
  }

  resume(requestId: string): Promise<void> {
    this.hooks.view.begin(`Re-attaching to request ${requestId}…`);
    return this.follow(this.connection.attach(this.appId, requestId));
  }

  /** Asks the server to cancel; the stream then ends with the server's `cancelled` event. */
  async cancel(): Promise<void> {
    if (this.requestId !== undefined) await this.connection.cancel(this.appId, this.requestId);
  }

  /** While the run has sent nothing, shows its place in the server's queue, if it waits. */
  private async watchQueue(requestId: string): Promise<void> {
    const { view } = this.hooks;
    for (let poll = 0; poll < MOST_QUEUE_POLLS && !this.eventSeen; poll++) {
      const position = await this.connection
        .queuePosition(this.appId, requestId)
        .catch(() => undefined);
      if (this.eventSeen || view.state !== 'running') return;
      if (position === undefined) return; // running, or ended
      view.setQueued(position);
      await new Promise((resolve) => setTimeout(resolve, QUEUE_POLL_MS));
    }
  }

  private async follow(stream: PageStream): Promise<void> {
    const { view } = this.hooks;
    stream.started().then(
      (requestId) => {
        this.requestId = requestId;
        view.setRequestId(requestId, this.connection.mediaUrl(this.appId, requestId));
        this.hooks.onRequestId(requestId);
        void this.watchQueue(requestId);
      },
      () => undefined,
    );
    try {
      for await (const event of stream) {
        this.eventSeen = true;
        view.handle(event);
      }
    } catch (error) {
      this.hooks.onFieldErrors(fieldErrorsOf(error));
      view.fail(failureOf(error));
    } finally {
      this.hooks.onSettled();
    }
  }
}
