// Runs in Chromium: the test bundles it with esbuild and serves it next to the client bundle.
import { createClient, type StreamEvent } from '../../src/client/index.js';
import {
  formatDuration,
  formatRate,
  progressFacts,
  startProgress,
  trackEvent,
  type ProgressState,
} from '../../src/client/progress-facts.js';

/** An event as the page received it. */
export interface PageEvent {
  readonly id: number;
  readonly type: string;
  readonly data: unknown;
}

/** What the page's stream did, read by the test with `page.evaluate`. */
export interface PageRun {
  readonly events: PageEvent[];
  requestId: string | undefined;
  output: unknown;
  error: { readonly code: string; readonly message: string } | undefined;
  finished: boolean;
}

/** The page's API, at `window.sluiceClientPage`. */
export interface ClientPage {
  readonly run: PageRun;
  readonly start: (call: { readonly appId: string; readonly input: unknown }) => void;
}

const run: PageRun = {
  events: [],
  requestId: undefined,
  output: undefined,
  error: undefined,
  finished: false,
};

function element(id: string): HTMLElement {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the page has no #${id}`);
  return found;
}

function render(state: ProgressState, event: StreamEvent | undefined): void {
  const facts = progressFacts(state, Date.now());
  if (event?.type === 'preview' && 'image' in event.data)
    (element('preview') as HTMLImageElement).src = event.data.image.url;
  if (event?.type === 'result') {
    const image = (event.data as { image?: { url?: string } }).image;
    if (image?.url) (element('preview') as HTMLImageElement).src = image.url;
  }
  element('facts').textContent = [
    `step ${facts.step ?? '–'}/${facts.total ?? '–'}`,
    facts.stepsPerSecond === undefined ? 'rate –' : formatRate(facts.stepsPerSecond),
    facts.etaMs === undefined ? 'ETA –' : `ETA ${formatDuration(facts.etaMs)}`,
    `elapsed ${formatDuration(facts.elapsedMs)}`,
    `previews ${facts.previewCount}`,
    `events ${run.events.length}`,
    facts.status,
  ].join(' · ');
}

function start(call: { readonly appId: string; readonly input: unknown }): void {
  const client = createClient({
    baseUrl: location.origin,
    retry: { attempts: 20, initialDelayMs: 50, maxDelayMs: 500 },
  });
  const stream = client.stream(call.appId, call.input);
  let state = startProgress(Date.now());
  const consume = async () => {
    try {
      for await (const event of stream) {
        run.events.push({ id: event.id, type: event.type, data: event.data });
        state = trackEvent(state, event, Date.now());
        render(state, event);
      }
      run.output = await stream.done();
    } catch (thrown) {
      const error = thrown as { code?: string; message?: string };
      run.error = { code: error.code ?? 'unknown', message: error.message ?? String(thrown) };
    }
    run.requestId = stream.requestId;
    run.finished = true;
    render(state, undefined);
  };
  void consume();
}

(window as unknown as { sluiceClientPage: ClientPage }).sluiceClientPage = { run, start };
