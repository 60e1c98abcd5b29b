import type { MachineInfo } from './report.js';
import type { Mode, ModeSamples } from './redis-modes.js';
import { median } from './statistics.js';

/** A target on the Redis figure: a floor on Redis ÷ memory, or a ceiling. */
export type RedisTarget =
  | { readonly kind: 'ratio-at-least'; readonly value: number }
  | { readonly kind: 'redis-at-most'; readonly value: number; readonly unit: string };

/** One row: a metric of some scenario's samples. */
export interface Figure {
  readonly label: string;
  readonly samples: ModeSamples;
  readonly metric: string;
  readonly format: (value: number) => string;
  readonly target?: RedisTarget;
}

const MODES: readonly Mode[] = ['baseline', 'memory', 'redis'];

function valuesOf(figure: Figure, mode: Mode): number[] {
  return (figure.samples[mode] ?? []).map((metrics) => metrics[figure.metric] ?? Number.NaN);
}

function formatted(figure: Figure, value: number): string {
  return Number.isFinite(value) ? figure.format(value) : '–';
}

function cell(figure: Figure, mode: Mode): string {
  return formatted(figure, median(valuesOf(figure, mode)));
}

function targetText(target: RedisTarget | undefined): string {
  if (target === undefined) return '';
  if (target.kind === 'ratio-at-least') return `Redis ≥ ${target.value}× memory`;
  return `Redis ≤ ${target.value} ${target.unit}`;
}

function verdict(target: RedisTarget | undefined, redis: number, ratio: number): string {
  if (target === undefined) return '';
  const pass = target.kind === 'ratio-at-least' ? ratio >= target.value : redis <= target.value;
  return pass ? 'pass' : '**MISS**';
}

function renderRow(figure: Figure): string {
  const redis = median(valuesOf(figure, 'redis'));
  const ratio = redis / median(valuesOf(figure, 'memory'));
  const ratioText = Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : '–';
  const cells = MODES.map((mode) => cell(figure, mode));
  const end = [ratioText, targetText(figure.target), verdict(figure.target, redis, ratio)];
  return `| ${[figure.label, ...cells, ...end].join(' | ')} |`;
}

function renderSamples(figure: Figure): string {
  const columns = MODES.map((mode) =>
    valuesOf(figure, mode)
      .map((value) => formatted(figure, value))
      .join(', '),
  );
  return `| ${[figure.label, ...columns.map((text) => text || '–')].join(' | ')} |`;
}

/**
 * The Redis benchmark's Markdown: the machine, then one row per figure (medians over
 * repetitions; Redis ÷ memory of the medians), then every repetition's figures.
 *
 * @example
 * console.log(renderRedisTable(describeMachine(), figures, { quick: false, loadAtEnd }));
 */
export function renderRedisTable(
  machine: MachineInfo,
  figures: readonly Figure[],
  run: { readonly quick: boolean; readonly loadAtEnd: readonly number[] },
): string {
  return [
    `# sluice Redis-mode benchmark${run.quick ? ' (quick)' : ''}`,
    '',
    `${machine.date} · ${machine.cpu} · ${machine.cores} cores · ${machine.memoryGb} GB · Node ${machine.node} · load ${machine.loadAverage.join(' ')} at start, ${run.loadAtEnd.join(' ')} at end`,
    '',
    '| figure | baseline | memory | Redis | Redis ÷ memory | target | result |',
    '|---|---:|---:|---:|---:|---|---|',
    ...figures.map(renderRow),
    '',
    'Every repetition:',
    '',
    '| figure | baseline | memory | Redis |',
    '|---|---|---|---|',
    ...figures.map(renderSamples),
  ].join('\n');
}
