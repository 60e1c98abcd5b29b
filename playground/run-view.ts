import { element } from './dom.js';
import { formatTiming } from './durations.js';
import { imagesIn } from './images.js';
import type { PageEvent } from './page-event.js';
import { ProgressPanel } from './progress-panel.js';
import { ResultPanel } from './result-panel.js';
import { ImagePanel } from './image-panel.js';
import { LogPanel, OutputPanel } from './stream-panels.js';
import { describeBinary, isBinaryOutput, MediaPanel } from './media-panel.js';

/** Where a run is: `running`, then one of the ends. */
export type RunState = 'idle' | 'running' | 'completed' | 'failed' | 'cancelled';

/** A failure as the page shows it. */
export interface RunFailure {
  readonly code: string;
  readonly message: string;
  /** From a server in dev mode: the app's own error. */
  readonly debug?: { readonly message?: string; readonly stack?: string };
}

/** Codes whose message adds nothing to the label. */
const SELF_EXPLAINED = new Set(['cancelled']);

const TICK_MS = 250;

/**
 * Everything the page shows about one run, live: status, timings, progress, the latest
 * preview, output text, logs, and at the end the result. Times are `Date.now()` values.
 *
 * @example
 * const view = new RunView();
 * view.begin('Starting…');
 * view.handle(event);
 */
export class RunView {
  private readonly status = element('p', { class: 'status', 'data-testid': 'status' });
  private readonly timings = element('p', { class: 'timings', 'data-testid': 'timings' });
  private readonly progress = new ProgressPanel();
  private readonly image = new ImagePanel();
  private readonly debug = element('details', {
    class: 'debug',
    'data-testid': 'debug',
    hidden: true,
  });
  private readonly output = new OutputPanel();
  private readonly media = new MediaPanel();
  private readonly logs = new LogPanel();
  private readonly result = new ResultPanel();
  readonly element = element(
    'section',
    { class: 'run', 'data-testid': 'run', hidden: true },
    this.status,
    this.debug,
    this.timings,
    this.progress.element,
    this.media.element,
    element('div', { class: 'live' }, this.image.element, this.output.element),
    this.logs.element,
    this.result.element,
  );
  private startedAt = 0;
  private requestId: string | undefined;
  private mediaUrl: Promise<string> | undefined;
  private firstEventAt: number | undefined;
  private ticker: ReturnType<typeof setInterval> | undefined;
  private runState: RunState = 'idle';

  /** Where the run is now. */
  get state(): RunState {
    return this.runState;
  }

  /** The image shown now (a preview or the result), for a history thumbnail. */
  get shownImage(): HTMLImageElement | undefined {
    return this.image.current;
  }

  begin(label: string): void {
    this.startedAt = Date.now();
    this.firstEventAt = undefined;
    for (const panel of [this.image, this.output, this.media, this.logs, this.result])
      panel.clear();
    this.mediaUrl = undefined;
    this.debug.hidden = true;
    this.debug.replaceChildren();
    this.progress.reset(this.startedAt);
    this.timings.textContent = '';
    this.setStatus('running', label);
    this.element.hidden = false;
    clearInterval(this.ticker);
    this.ticker = setInterval(() => this.progress.refresh(Date.now()), TICK_MS);
  }

  /** The server named the request; `mediaUrl` is its media view, for binary outputs. */
  setRequestId(requestId: string, mediaUrl?: Promise<string>): void {
    this.requestId = requestId;
    this.mediaUrl = mediaUrl;
    this.setStatus('running', `Running · request ${requestId}`);
  }

  /** Waiting in the server's queue (no event yet): its place in line, 0 being next. */
  setQueued(position: number): void {
    if (this.runState !== 'running' || this.firstEventAt !== undefined) return;
    this.status.dataset.state = 'queued';
    this.status.textContent = `Queued · position ${position + 1} in line`;
  }

  /** The queue has let it start (or it never waited): back to running. */
  private leaveQueue(): void {
    if (this.status.dataset.state !== 'queued') return;
    this.setStatus('running', `Running · request ${this.requestId ?? ''}`);
  }

  handle(event: PageEvent): void {
    const at = Date.now();
    if (this.firstEventAt === undefined) {
      this.firstEventAt = at;
      this.leaveQueue();
      this.timings.textContent = `First event after ${formatTiming(at - this.startedAt)}`;
    }
    this.progress.track(event, at);
    const image = imagesIn(event.data).at(event.type === 'result' ? 0 : -1);
    if (image !== undefined && event.type !== 'result') this.image.showPreview(image);
    if (image !== undefined && event.type === 'result') this.image.showResult(image);
    if (event.type === 'output') this.showOutput(event.data);
    if (event.type === 'log') this.logs.append(event.data);
    if (event.type === 'result') this.complete(event.data);
    if (event.type === 'error') this.fail(event.data as RunFailure);
  }

  /** Bytes go to the media player (a line in the output says so); anything else to the output. */
  private showOutput(data: unknown): void {
    if (!isBinaryOutput(data)) return this.output.append(data);
    this.media.show(data.content_type, this.mediaUrl);
    this.output.append(describeBinary(data));
  }

  /** Ends the run with a failure: an `error` event, a refused request or a lost connection. */
  fail(failure: RunFailure): void {
    const cancelled = failure.code === 'cancelled';
    // A failure that came as no event (a refused request) still ends the facts line.
    this.progress.track({ type: 'error', id: 0, data: failure }, Date.now());
    this.end(cancelled ? 'cancelled' : 'failed');
    this.status.dataset.code = failure.code;
    this.status.textContent = SELF_EXPLAINED.has(failure.code)
      ? 'Cancelled'
      : `Failed: ${failure.message}`;
    this.showDebug(failure.debug);
  }

  /** A dev-mode server's detail: the app's own message and stack, folded. */
  private showDebug(debug: RunFailure['debug']): void {
    if (!debug?.message) return;
    this.debug.replaceChildren(
      element('summary', {}, `The app's error: ${debug.message}`),
      element('pre', { class: 'stack' }, debug.stack ?? debug.message),
    );
    this.debug.hidden = false;
  }

  private complete(output: unknown): void {
    this.end('completed');
    this.result.show(output);
    this.status.textContent = 'Completed';
  }

  private end(state: RunState): void {
    clearInterval(this.ticker);
    this.ticker = undefined;
    const first =
      this.firstEventAt === undefined ? '—' : formatTiming(this.firstEventAt - this.startedAt);
    const total = formatTiming(Date.now() - this.startedAt);
    this.timings.textContent = `First event after ${first} · total ${total}`;
    this.status.dataset.state = state;
    this.runState = state;
  }

  private setStatus(state: RunState, text: string): void {
    this.status.dataset.state = state;
    this.runState = state;
    this.status.textContent = text;
  }
}
