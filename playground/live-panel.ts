import { element } from './dom.js';
import { ResultPanel } from './result-panel.js';
import type { LiveConnection, LiveHandlers } from './sluice-connection.js';

/** What the live panel needs from its endpoint view. */
export interface LivePanelOptions {
  /** Opens the endpoint's realtime connection. */
  readonly open: (handlers: LiveHandlers) => LiveConnection;
  /** The form's current input, unchecked (the server checks it). */
  readonly input: () => unknown;
}

/**
 * The playground's live mode, for endpoints that opt in (`realtime: { live: true }`):
 * while "Live" is on, every change of an input is sent over one WebSocket at once and the
 * newest answer replaces the last; the server drops inputs the app had no time for.
 *
 * @example
 * const live = new LivePanel({ open: (handlers) => connection.realtime(appId, '', handlers), input });
 * form.addEventListener('input', () => live.changed());
 */
export class LivePanel {
  readonly toggle = element('input', { type: 'checkbox', 'data-testid': 'live' });
  readonly label = element('label', { class: 'check' }, this.toggle, 'Live');
  private readonly status = element('p', { class: 'notice', 'data-testid': 'live-status' });
  private readonly result = new ResultPanel({ showsFirstImage: true });
  readonly element = element(
    'section',
    { class: 'live', 'data-testid': 'live-panel', hidden: true },
    element('h3', {}, 'Live'),
    this.status,
    this.result.element,
  );
  private connection: LiveConnection | undefined;
  private answers = 0;

  constructor(private readonly options: LivePanelOptions) {
    this.toggle.addEventListener('change', () =>
      this.toggle.checked ? this.start() : this.stop(),
    );
  }

  /** The form changed: with Live on, its input goes out now. */
  changed(): void {
    this.connection?.send(this.options.input());
  }

  private start(): void {
    this.element.hidden = false;
    this.status.textContent = 'Connecting…';
    this.connection = this.options.open({
      onResult: (output) => {
        this.answers++;
        this.status.textContent = `Live: ${this.answers} answers`;
        this.result.show(output);
      },
      onError: (error) => {
        this.status.textContent = `${error.code}: ${error.message}`;
      },
    });
    this.changed();
  }

  private stop(): void {
    this.connection?.close();
    this.connection = undefined;
    this.element.hidden = true;
  }
}
