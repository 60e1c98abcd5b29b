import { element } from './dom.js';

/** One run as the browser remembers it. */
export interface HistoryEntry {
  readonly requestId: string;
  readonly appId: string;
  readonly path: string;
  readonly input: Readonly<Record<string, unknown>>;
  readonly status: 'running' | 'completed' | 'failed' | 'cancelled';
  /** When it started, `Date.now()`. */
  readonly startedAt: number;
  /** A small JPEG `data:` URL of its image, if it had one. */
  readonly thumbnail?: string;
}

const STORAGE_KEY = 'sluice.history';
/** Runs kept; older ones are forgotten. */
const MOST_KEPT = 20;
const THUMBNAIL_SIZE = 64;

/**
 * The runs started in this browser, newest first, kept in `localStorage`.
 *
 * @example
 * const history = loadHistory();
 * saveEntry({ requestId, appId, path: '', input, status: 'running', startedAt: Date.now() });
 */
export function loadHistory(): HistoryEntry[] {
  try {
    const parsed = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '[]') as unknown;
    return Array.isArray(parsed) ? (parsed as HistoryEntry[]) : [];
  } catch {
    return [];
  }
}

/**
 * Adds a run, or updates it when its request id is known; keeps the newest runs.
 *
 * @example
 * saveEntry({ ...entry, status: 'completed' });
 */
export function saveEntry(entry: HistoryEntry): void {
  const others = loadHistory().filter((kept) => kept.requestId !== entry.requestId);
  const known = loadHistory().find((kept) => kept.requestId === entry.requestId);
  const merged = known ? { ...known, ...entry } : entry;
  const entries = known
    ? loadHistory().map((kept) => (kept.requestId === entry.requestId ? merged : kept))
    : [merged, ...others];
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(entries.slice(0, MOST_KEPT)));
  } catch {
    // Storage full or off: the history is a convenience, the run goes on.
  }
}

/**
 * The run a request id names, if this browser started it.
 *
 * @example
 * findEntry(requestIdFromUrl)?.input;
 */
export function findEntry(requestId: string): HistoryEntry | undefined {
  return loadHistory().find((entry) => entry.requestId === requestId);
}

/**
 * A small JPEG of an image, for the history list; `undefined` if it cannot be drawn.
 *
 * @example
 * thumbnailOf(imageElement); // 'data:image/jpeg;base64,…'
 */
export function thumbnailOf(image: HTMLImageElement | undefined): string | undefined {
  if (!image || !image.naturalWidth) return undefined;
  const scale = THUMBNAIL_SIZE / Math.max(image.naturalWidth, image.naturalHeight);
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(image.naturalWidth * scale));
  canvas.height = Math.max(1, Math.round(image.naturalHeight * scale));
  const context = canvas.getContext('2d');
  if (!context) return undefined;
  context.drawImage(image, 0, 0, canvas.width, canvas.height);
  return canvas.toDataURL('image/jpeg', 0.7);
}

const STATUS_LABELS: Readonly<Record<HistoryEntry['status'], string>> = {
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** What the history list lets the page do with a run. */
export interface HistoryActions {
  /** Shows the run again (re-attaches to it: live, or its ended events). */
  readonly open: (entry: HistoryEntry) => void;
  /** Puts its input in the form and runs it again. */
  readonly rerun: (entry: HistoryEntry) => void;
}

function entryRow(entry: HistoryEntry, actions: HistoryActions): HTMLElement {
  const time = new Date(entry.startedAt).toLocaleTimeString([], {
    hour: '2-digit',
    minute: '2-digit',
  });
  const thumbnail = entry.thumbnail
    ? element('img', { src: entry.thumbnail, alt: '', class: 'thumbnail' })
    : element('span', { class: 'thumbnail empty' });
  const open = element('button', { type: 'button', 'data-testid': 'history-open' }, 'Open');
  const rerun = element('button', { type: 'button', 'data-testid': 'history-rerun' }, 'Run again');
  open.addEventListener('click', () => actions.open(entry));
  rerun.addEventListener('click', () => actions.rerun(entry));
  const summary = JSON.stringify(entry.input);
  return element(
    'li',
    { class: 'history-entry', 'data-request': entry.requestId, 'data-status': entry.status },
    thumbnail,
    element(
      'div',
      { class: 'history-text' },
      element(
        'span',
        { class: `history-status state-${entry.status}` },
        `${STATUS_LABELS[entry.status]} · ${time}`,
      ),
      element('span', { class: 'history-input', title: summary }, summary),
    ),
    element('div', { class: 'history-actions' }, open, rerun),
  );
}

/**
 * The list of this browser's runs of one endpoint, newest first.
 *
 * @example
 * const list = new HistoryList('demo/text', '', actions);
 * list.refresh();
 */
export class HistoryList {
  private readonly list = element('ol', { class: 'history-list', 'data-testid': 'history' });
  readonly element = element(
    'section',
    { class: 'history', hidden: true },
    element('h3', {}, 'Your recent runs'),
    this.list,
  );

  constructor(
    private readonly appId: string,
    private readonly path: string,
    private readonly actions: HistoryActions,
  ) {}

  refresh(): void {
    const entries = loadHistory().filter(
      (entry) => entry.appId === this.appId && entry.path === this.path,
    );
    this.list.replaceChildren(...entries.map((entry) => entryRow(entry, this.actions)));
    this.element.hidden = entries.length === 0;
  }
}
