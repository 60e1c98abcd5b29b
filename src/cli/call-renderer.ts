import { formatDuration, formatRate, type ProgressFacts } from '../client/progress-facts.js';

/** Options of {@link renderProgress}. */
export interface RenderOptions {
  /** The terminal's width in columns; lines are cut to fit. */
  readonly columns: number;
  /** Where previews are saved, shown next to their count. */
  readonly outDir?: string;
}

const BAR_WIDTH = 24;

function fit(line: string, columns: number): string {
  const width = Math.max(columns - 1, 8); // the last column would wrap on some terminals
  const characters = [...line];
  return characters.length <= width ? line : `${characters.slice(0, width - 1).join('')}…`;
}

function bar(fraction: number): string {
  const filled = Math.round(fraction * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`;
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const SPINNER_FRAME_MS = 100;

/** A run with no progress events: a spinner, the outputs so far and their rate. */
function runningLine(facts: ProgressFacts, elapsed: string): string {
  const frame = SPINNER[Math.floor(facts.elapsedMs / SPINNER_FRAME_MS) % SPINNER.length]!;
  const unit = facts.outputUnit;
  const parts = [
    `${frame} running`,
    facts.outputCount > 0 ? `${facts.outputCount} ${unit}` : undefined,
    facts.outputsPerSecond === undefined
      ? undefined
      : `${facts.outputsPerSecond.toFixed(1)} ${unit}/s`,
    elapsed,
  ];
  return parts.filter((part) => part !== undefined).join('  ');
}

function progressLine(facts: ProgressFacts): string {
  const elapsed = `elapsed ${formatDuration(facts.elapsedMs)}`;
  if (facts.step === undefined) return runningLine(facts, elapsed);
  const parts = [
    facts.fraction === undefined ? undefined : bar(facts.fraction),
    facts.total === undefined ? `step ${facts.step}` : `${facts.step}/${facts.total}`,
    facts.fraction === undefined ? undefined : `${Math.round(facts.fraction * 100)}%`,
    facts.stepsPerSecond === undefined ? undefined : formatRate(facts.stepsPerSecond),
    facts.etaMs === undefined ? undefined : `ETA ${formatDuration(facts.etaMs)}`,
    elapsed,
    facts.message,
  ];
  return parts.filter((part) => part !== undefined).join('  ');
}

function previewLine(facts: ProgressFacts, outDir: string | undefined): string {
  const count = `previews: ${facts.previewCount}`;
  return outDir !== undefined && facts.previewCount > 0 ? `${count} (saved to ${outDir})` : count;
}

/**
 * The lines of `sluice call`'s live display: the bar with step/total, rate, ETA and elapsed
 * time, the latest log line, and the preview count. Pure: the terminal adapter draws them.
 *
 * @example
 * renderProgress(progressFacts(state, Date.now()), { columns: 80 });
 * // ['[######..........]  7/20  35%  2.1 steps/s  ETA 0:06  elapsed 0:03', 'log: …', 'previews: 1']
 */
export function renderProgress(facts: ProgressFacts, options: RenderOptions): string[] {
  const lines = [
    progressLine(facts),
    `log: ${facts.latestLog?.replace(/\s+/g, ' ') ?? '–'}`,
    previewLine(facts, options.outDir),
  ];
  return lines.map((line) => fit(line, options.columns));
}

/**
 * The bytes that replace a display of `previousLines` lines (cursor at its last line's end)
 * with `lines`: back to the first line's start, clear below, write.
 *
 * @example
 * process.stderr.write(redraw(3, ['a', 'b', 'c']));
 */
export function redraw(previousLines: number, lines: readonly string[]): string {
  const up = previousLines > 1 ? `\x1b[${previousLines - 1}A` : '';
  return `${up}\r\x1b[J${lines.join('\n')}`;
}
