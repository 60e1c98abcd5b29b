import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import type { RowResult, ScenarioResult } from './run-scenario.js';

/** Where and when the benchmark ran. */
export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGb: number;
  readonly node: string;
  readonly platform: string;
  /** 1, 5 and 15 minute load averages when the run started. */
  readonly loadAverage: readonly number[];
  readonly date: string;
}

/** Everything a run produced: written as `latest.json`, rendered as `latest.md`. */
export interface BenchReport {
  readonly machine: MachineInfo;
  /** Load averages when the run ended: a noisy neighbour shows here. */
  readonly loadAverageAtEnd: readonly number[];
  readonly quick: boolean;
  readonly scenarios: readonly ScenarioResult[];
  readonly failures: readonly {
    readonly id: string;
    readonly title: string;
    readonly error: string;
  }[];
}

/**
 * The 1, 5 and 15 minute load averages, rounded.
 *
 * @example
 * currentLoad(); // [1.2, 0.8, 0.5]
 */
export function currentLoad(): number[] {
  return os.loadavg().map((load) => Math.round(load * 100) / 100);
}

/**
 * Describes this machine and the current date.
 *
 * @example
 * const machine = describeMachine();
 */
export function describeMachine(): MachineInfo {
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    loadAverage: currentLoad(),
    date: new Date().toISOString(),
  };
}

function passText(row: RowResult): string {
  if (row.pass === undefined) return '';
  return row.pass ? 'pass' : '**FAIL**';
}

function renderRow(scenario: ScenarioResult, row: RowResult): string {
  const name = `(${scenario.id}) ${scenario.title}: ${row.label}`;
  const ratio = Number.isFinite(row.ratio) ? `${row.ratio.toFixed(2)}×` : '—';
  return `| ${name} | ${row.baseline} | ${row.sluice} | ${ratio} | ${row.target} | ${passText(row)} |`;
}

function renderRepetitions(scenarios: readonly ScenarioResult[]): string[] {
  const lines = [
    'Every repetition, in order:',
    '',
    '| scenario | baseline | sluice |',
    '|---|---|---|',
  ];
  for (const scenario of scenarios) {
    for (const row of scenario.rows) {
      lines.push(
        `| (${scenario.id}) ${row.label} | ${row.baselineSamples.join(', ')} | ${row.sluiceSamples.join(', ')} |`,
      );
    }
  }
  return lines;
}

/**
 * Renders the results as markdown: the machine, one table row per figure, then failures.
 *
 * @example
 * console.log(renderMarkdown(report));
 */
export function renderMarkdown(report: BenchReport): string {
  const { machine } = report;
  const lines = [
    `# sluice benchmark${report.quick ? ' (quick)' : ''}`,
    '',
    `${machine.date} · ${machine.cpu} · ${machine.cores} cores · ${machine.memoryGb} GB · Node ${machine.node} · ${machine.platform} · load ${machine.loadAverage.join(' ')} at start, ${report.loadAverageAtEnd.join(' ')} at end`,
    '',
    'Medians over repetitions; each repetition starts fresh server processes and alternates which goes first. Ratio = median of sluice ÷ baseline per repetition.',
    '',
    '| scenario | baseline | sluice | ratio | target | result |',
    '|---|---:|---:|---:|---|---|',
    ...report.scenarios.flatMap((scenario) => scenario.rows.map((row) => renderRow(scenario, row))),
  ];
  for (const failure of report.failures) {
    lines.push(
      `| (${failure.id}) ${failure.title} | error | error | — | — | **ERROR**: ${failure.error} |`,
    );
  }
  lines.push('', ...renderRepetitions(report.scenarios));
  return lines.join('\n') + '\n';
}

/**
 * Writes `latest.json` and `latest.md` into `directory` (created if missing).
 *
 * @example
 * await writeReport(new URL('results/', import.meta.url), report);
 */
export async function writeReport(directory: URL, report: BenchReport): Promise<void> {
  await mkdir(directory, { recursive: true });
  await writeFile(new URL('latest.json', directory), JSON.stringify(report, null, 2) + '\n');
  await writeFile(new URL('latest.md', directory), renderMarkdown(report));
}
