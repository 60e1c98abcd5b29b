import { element } from './dom.js';

function outputText(data: unknown): string {
  if (typeof data === 'string') return data;
  if (typeof data === 'object' && data !== null) {
    const { token, text, delta } = data as Record<string, unknown>;
    const piece = [token, delta, text].find((value) => typeof value === 'string');
    if (typeof piece === 'string') return piece;
  }
  return `${JSON.stringify(data)}\n`;
}

/**
 * `output` events appended as they come: tokens (`{token}`, `{delta}`, `{text}` or a
 * string) flow as text, anything else one JSON line each.
 *
 * @example
 * panel.append({ token: ' river' });
 */
export class OutputPanel {
  private readonly text = element('pre', { class: 'output-text', 'data-testid': 'output' });
  readonly element = element(
    'section',
    { class: 'output', hidden: true },
    element('h3', {}, 'Output'),
    this.text,
  );

  clear(): void {
    this.text.textContent = '';
    this.element.hidden = true;
  }

  append(data: unknown): void {
    this.text.append(outputText(data));
    this.element.hidden = false;
  }
}

/**
 * The run's `log` events, one line each.
 *
 * @example
 * panel.append({ level: 'info', message: 'loaded', timestamp: '…' });
 */
export class LogPanel {
  private readonly list = element('ol', { class: 'log-lines', 'data-testid': 'logs' });
  readonly element = element(
    'section',
    { class: 'logs', hidden: true },
    element('h3', {}, 'Logs'),
    this.list,
  );

  clear(): void {
    this.list.replaceChildren();
    this.element.hidden = true;
  }

  append(data: unknown): void {
    const { level, message } = (data ?? {}) as { level?: unknown; message?: unknown };
    const line = element(
      'li',
      { class: `log-${String(level)}` },
      `[${String(level)}] ${String(message)}`,
    );
    this.list.append(line);
    this.element.hidden = false;
  }
}
