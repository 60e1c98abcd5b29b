import type { StreamEvent } from '../client/index.js';
import { redraw, renderProgress } from './call-renderer.js';
import { progressFacts, startProgress, trackEvent } from '../client/progress-facts.js';

/** Shows a call's events as they arrive. */
export interface CallReporter {
  readonly onEvent: (event: StreamEvent) => void;
  /**
   * The stream ended, or Ctrl-C stops the display: draw the last state once, end its line
   * and release timers. Later calls do nothing, so nothing is drawn twice.
   */
  readonly onEnd: () => void;
}

/** Where a reporter writes. */
export interface ReporterOutput {
  readonly write: (text: string) => void;
}

/**
 * One JSON line per event on the output: `{"id":3,"type":"progress","data":{…}}`.
 *
 * @example
 * const reporter = jsonLinesReporter({ write: (text) => process.stdout.write(text) });
 */
export function jsonLinesReporter(output: ReporterOutput): CallReporter {
  return {
    onEvent: (event) =>
      output.write(`${JSON.stringify({ id: event.id, type: event.type, data: event.data })}\n`),
    onEnd: () => undefined,
  };
}

/** Options of {@link terminalReporter}. */
export interface TerminalReporterOptions extends ReporterOutput {
  readonly columns: () => number;
  readonly outDir?: string;
  readonly now?: () => number;
  /** How often the display is redrawn while nothing arrives (elapsed time moves on). */
  readonly tickMs?: number;
}

const MIN_REDRAW_MS = 80;

/**
 * A live display redrawn in place: progress bar, rate, ETA, elapsed time, latest log line,
 * preview count.
 *
 * @example
 * const reporter = terminalReporter({ write: (text) => process.stdout.write(text), columns: () => 80 });
 */
export function terminalReporter(options: TerminalReporterOptions): CallReporter {
  const now = options.now ?? (() => Date.now());
  let state = startProgress(now());
  let drawnLines = 0;
  let drawnAt = -Infinity;
  let ended = false;
  const draw = () => {
    const lines = renderProgress(progressFacts(state, now()), {
      columns: options.columns(),
      outDir: options.outDir,
    });
    options.write(redraw(drawnLines, lines));
    drawnLines = lines.length;
    drawnAt = now();
  };
  const ticker = setInterval(draw, options.tickMs ?? 500);
  ticker.unref();
  draw();
  return {
    onEvent: (event) => {
      state = trackEvent(state, event, now());
      if (!ended && now() - drawnAt >= MIN_REDRAW_MS) draw();
    },
    onEnd: () => {
      if (ended) return;
      ended = true;
      clearInterval(ticker);
      draw();
      options.write('\n');
    },
  };
}
