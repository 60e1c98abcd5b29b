import type { AppEntry, EndpointEntry } from './catalog.js';
import { element } from './dom.js';
import { LivePanel } from './live-panel.js';
import {
  HistoryList,
  findEntry,
  saveEntry,
  thumbnailOf,
  type HistoryEntry,
} from './run-history.js';
import { RunSession } from './run-session.js';
import { RunView } from './run-view.js';
import { renderSchemaForm, type SchemaForm } from './schema-form.js';
import type { Connection } from './sluice-connection.js';
import { SnippetsPanel } from './snippets-panel.js';
import { syncPathBadges } from './sync-path-badges.js';
import { writeUrlState } from './url-state.js';

/** What an endpoint view needs from the page. */
export interface EndpointViewOptions {
  readonly app: AppEntry;
  readonly endpoint: EndpointEntry;
  /** A connection with the API key currently entered. */
  readonly connect: () => Connection;
  /** Whether an API key is entered (the snippets then read one from the environment). */
  readonly hasApiKey: () => boolean;
}

/**
 * One endpoint: its form, Run and Cancel, the live run and the snippets.
 *
 * @example
 * const view = new EndpointView({ app, endpoint, connect: () => connect(key), hasApiKey: () => false });
 * main.append(view.element);
 * view.resume(requestIdFromUrl);
 */
export class EndpointView {
  readonly element: HTMLElement;
  private readonly form: SchemaForm;
  private readonly runView = new RunView();
  private readonly snippets = new SnippetsPanel();
  private readonly runButton = element(
    'button',
    { type: 'submit', class: 'primary', 'data-testid': 'run' },
    'Run',
  );
  private readonly cancelButton = element(
    'button',
    { type: 'button', 'data-testid': 'cancel', disabled: true },
    'Cancel',
  );
  private readonly checkInBrowser = element('input', {
    type: 'checkbox',
    checked: true,
    'data-testid': 'check-in-browser',
  });
  private readonly notice = element('span', { class: 'notice', role: 'status' });
  private current: RunSession | undefined;
  private readonly live: LivePanel | undefined;
  /** The input of a run started here, until the server names its request. */
  private pendingInput: Record<string, unknown> | undefined;
  private readonly history: HistoryList;
  /** The run this view follows, as the history records it. */
  private entry: HistoryEntry | undefined;

  constructor(private readonly options: EndpointViewOptions) {
    const { app, endpoint } = options;
    this.form = renderSchemaForm(endpoint.input_schema);
    this.live = endpoint.live
      ? new LivePanel({
          open: (handlers) => options.connect().realtime(app.id, endpoint.path, handlers),
          input: () => this.form.read(false).input,
        })
      : undefined;
    const form = element(
      'form',
      { class: 'input-form', novalidate: true, 'data-testid': 'input-form' },
      this.form.fields,
      element(
        'div',
        { class: 'actions' },
        this.runButton,
        this.cancelButton,
        element(
          'label',
          { class: 'check', title: 'Catch mistakes before sending; the server checks again' },
          this.checkInBrowser,
          'Check the input before sending',
        ),
        this.live?.label,
        this.notice,
      ),
    );
    form.addEventListener('submit', (event) => this.submit(event));
    form.addEventListener('input', () => {
      this.refreshSnippets();
      this.live?.changed();
    });
    this.cancelButton.addEventListener('click', () => this.cancel());
    this.refreshSnippets();
    this.history = new HistoryList(app.id, endpoint.path, {
      open: (entry) => this.resume(entry.requestId),
      rerun: (entry) => {
        this.form.fill(entry.input);
        form.requestSubmit();
      },
    });
    this.history.refresh();
    const title = `${app.id}${endpoint.path}`;
    this.element = element(
      'article',
      { class: 'endpoint', 'data-endpoint': title },
      element(
        'div',
        { class: 'endpoint-head' },
        element('h2', {}, title),
        syncPathBadges(endpoint),
        element('p', { class: 'description' }, endpoint.description ?? app.description ?? ''),
      ),
      element(
        'div',
        { class: 'workbench' },
        element('div', { class: 'inputs', 'data-testid': 'inputs' }, form, this.history.element),
        element(
          'div',
          { class: 'outputs', 'data-testid': 'outputs' },
          this.live?.element,
          this.runView.element,
          this.snippets.element,
        ),
      ),
    );
  }

  /**
   * Follows a request named in the URL: a live run continues, an ended one shows its end.
   * A run this browser started gets its own input back in the form.
   */
  resume(requestId: string): void {
    const known = findEntry(requestId);
    if (known) this.form.fill(known.input);
    this.entry = known;
    this.writeUrl(requestId);
    this.follow((session) => session.resume(requestId));
  }

  private submit(event: SubmitEvent): void {
    event.preventDefault();
    const reading = this.form.read(this.checkInBrowser.checked);
    this.form.showErrors(reading.errors);
    if (reading.errors.size > 0) return;
    this.writeUrl(undefined);
    this.entry = undefined;
    this.pendingInput = reading.input;
    this.follow((session) => session.start(reading.input, this.options.endpoint.path));
  }

  private cancel(): void {
    this.cancelButton.disabled = true;
    this.notice.textContent = '';
    this.current?.cancel().catch((error: unknown) => {
      this.cancelButton.disabled = false;
      this.notice.textContent = `Cancel failed: ${(error as Error).message}`;
    });
  }

  private follow(run: (session: RunSession) => Promise<void>): void {
    this.runButton.disabled = true;
    this.notice.textContent = '';
    this.current = new RunSession({
      connection: this.options.connect(),
      appId: this.options.app.id,
      hooks: {
        view: this.runView,
        onRequestId: (requestId) => {
          this.writeUrl(requestId);
          this.cancelButton.disabled = false;
          this.remember(requestId);
        },
        onFieldErrors: (errors) => this.form.showErrors(errors),
        onSettled: () => {
          this.runButton.disabled = false;
          this.cancelButton.disabled = true;
          this.recordEnd();
        },
      },
    });
    void run(this.current);
  }

  /** Records a run this page started (or re-attached) in the browser's history. */
  private remember(requestId: string): void {
    if (this.entry?.requestId === requestId) return;
    if (this.pendingInput === undefined) return;
    this.entry = {
      requestId,
      appId: this.options.app.id,
      path: this.options.endpoint.path,
      input: this.pendingInput,
      status: 'running',
      startedAt: Date.now(),
    };
    this.pendingInput = undefined;
    saveEntry(this.entry);
    this.history.refresh();
  }

  /** Stores how the run ended, with a thumbnail of its image. */
  private recordEnd(): void {
    const state = this.runView.state;
    if (!this.entry || state === 'idle' || state === 'running') return;
    const thumbnail = thumbnailOf(this.runView.shownImage);
    this.entry = { ...this.entry, status: state, ...(thumbnail ? { thumbnail } : {}) };
    saveEntry(this.entry);
    this.history.refresh();
  }

  private writeUrl(request: string | undefined): void {
    writeUrlState({ app: this.options.app.id, path: this.options.endpoint.path, request });
  }

  /** Rewrites the snippets for the current input (and key); the form calls it on input. */
  refreshSnippets(): void {
    this.snippets.update({
      baseUrl: location.origin,
      appId: this.options.app.id,
      path: this.options.endpoint.path,
      input: this.form.read(false).input,
      withApiKey: this.options.hasApiKey(),
    });
  }
}
