import type { MachineInfo } from '../report.js';
import type { PageTouchCost } from '../page-touch.js';
import type { Metrics } from '../scenarios/scenario.js';
import { median } from '../statistics.js';
import type { LimitRow, LimitScenario, LimitTarget } from './limit-scenario.js';
import { LIMIT_MODES, type LimitMode } from './modes.js';

/** Every repetition's metrics of one scenario, per mode, with the load average at each. */
export interface LimitSamples {
  readonly scenario: LimitScenario;
  readonly samples: Partial<Record<LimitMode, Metrics[]>>;
  readonly errors: string[];
}

const SLUICE_MODES = LIMIT_MODES.filter((mode) => mode !== 'raw');

function medianOf(result: LimitSamples, mode: LimitMode, metric: string): number {
  return median((result.samples[mode] ?? []).map((metrics) => metrics[metric] ?? Number.NaN));
}

function verdict(target: LimitTarget | undefined, value: number, ratio: number): string {
  if (target === undefined || !Number.isFinite(value)) return '';
  const pass = target.kind === 'ratio-at-least' ? ratio >= target.value : value <= target.value;
  return pass ? 'pass' : '**MISS**';
}

function targetText(target: LimitTarget | undefined): string {
  if (target === undefined) return '';
  return target.kind === 'ratio-at-least'
    ? `≥ ${target.value}×`
    : `≤ ${target.value} ${target.unit}`;
}

function renderRow(result: LimitSamples, row: LimitRow): string {
  const modes = row.only ?? LIMIT_MODES;
  const raw = medianOf(result, 'raw', row.metric);
  const cells = LIMIT_MODES.map((mode) => {
    const value = medianOf(result, mode, row.metric);
    return modes.includes(mode) && Number.isFinite(value) ? row.format(value) : '–';
  });
  const judged = SLUICE_MODES.map((mode) => {
    const value = medianOf(result, mode, row.metric);
    const ratio = value / raw;
    const target = row.targets?.[mode];
    const ratioText = Number.isFinite(ratio) && modes.includes('raw') ? `${ratio.toFixed(2)}×` : '';
    const parts = [ratioText, targetText(target), verdict(target, value, ratio)].filter(Boolean);
    return parts.join(' ') || '–';
  });
  const rawVerdict = verdict(row.targets?.raw, raw, 1);
  const name = `(${result.scenario.id}) ${result.scenario.title}: ${row.label}`;
  return `| ${[name, ...cells, ...judged, rawVerdict].join(' | ')} |`;
}

function renderSamples(result: LimitSamples): string[] {
  return result.scenario.rows.map((row) => {
    const columns = LIMIT_MODES.map((mode) =>
      (result.samples[mode] ?? [])
        .map((metrics) => {
          const value = metrics[row.metric];
          const load = metrics.loadAverage1m;
          return value === undefined ? '–' : `${row.format(value)} (load ${load?.toFixed(2)})`;
        })
        .join(', '),
    );
    return `| (${result.scenario.id}) ${row.label} | ${columns.map((text) => text || '–').join(' | ')} |`;
  });
}

/**
 * Issue 19's table: one row per figure, a column per mode (medians), then each sluice
 * mode's ratio to raw with its target and verdict, then every repetition with its load.
 *
 * @example
 * console.log(renderLimitTable(machine, results, { quick, built, pinned: true, loadAtEnd, pageTouch }));
 */
export function renderLimitTable(
  machine: MachineInfo,
  results: readonly LimitSamples[],
  run: {
    readonly quick: boolean;
    readonly built: boolean;
    readonly pinned: boolean;
    readonly loadAtEnd: readonly number[];
    /** What writing fresh memory costs here: scenario (iii) keeps 400 MB. */
    readonly pageTouch: PageTouchCost;
  },
): string {
  const source = run.built ? 'sluice from its build (dist/)' : 'sluice from its sources (tsx)';
  const pinning = run.pinned
    ? 'server process trees (and redis-server) pinned to core 0, the client to core 1'
    : 'not pinned (one core)';
  const { firstTouchMicroseconds, rewriteMicroseconds } = run.pageTouch;
  const pages = `a fresh 4 KiB page written in ${firstTouchMicroseconds} µs (${rewriteMicroseconds} µs once touched)`;
  const errors = results.flatMap((result) =>
    result.errors.map((error) => `- (${result.scenario.id}) ${error}`),
  );
  return [
    `# sluice limits benchmark (issue 19)${run.quick ? ' (quick)' : ''}`,
    '',
    `${machine.date} · ${machine.cpu} · ${machine.cores} cores · ${machine.memoryGb} GB · Node ${machine.node} · load ${machine.loadAverage.join(' ')} at start, ${run.loadAtEnd.join(' ')} at end · ${pinning} · ${source} · ${pages}`,
    '',
    '| figure | raw | inline | process | Redis | inline ÷ raw | process ÷ raw | Redis ÷ raw | raw against its target |',
    '|---|---:|---:|---:|---:|---|---|---|---|',
    ...results.flatMap((result) => result.scenario.rows.map((row) => renderRow(result, row))),
    '',
    ...(errors.length > 0 ? ['Errors:', '', ...errors, ''] : []),
    'Every repetition (1-minute load average when it ended):',
    '',
    '| figure | raw | inline | process | Redis |',
    '|---|---|---|---|---|',
    ...results.flatMap(renderSamples),
  ].join('\n');
}
