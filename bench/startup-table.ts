import type { MachineInfo } from './report.js';
import { medianOf, type StartupRow } from './startup-rows.js';
import { median } from './statistics.js';

/** One section of the startup report: its rows and a note under them. */
export interface StartupSection {
  readonly title: string;
  readonly rows: readonly StartupRow[];
  readonly notes: readonly string[];
}

const whole = (value: number) => (Number.isFinite(value) ? value.toFixed(0) : '–');

function resultOf(row: StartupRow): string {
  if (row.targetMs === undefined) return '';
  return medianOf(row) <= row.targetMs ? 'pass' : '**miss**';
}

function rowLine(row: StartupRow): string {
  const target = row.targetMs === undefined ? '' : `≤ ${row.targetMs}`;
  const cells = [
    row.label,
    whole(medianOf(row)),
    whole(Math.min(...row.samples)),
    whole(median(row.cpuSamples)),
    target,
    resultOf(row),
  ];
  return `| ${cells.join(' | ')} |`;
}

function sectionLines(section: StartupSection): string[] {
  return [
    `## ${section.title}`,
    '',
    '| figure | median ms | best ms | CPU ms (median) | target ms | result |',
    '|---|---:|---:|---:|---|---|',
    ...section.rows.map(rowLine),
    '',
    ...section.notes,
    '',
    'Every sample, in ms, in order:',
    '',
    ...section.rows.map((row) => `- ${row.label}: ${row.samples.map(whole).join(' · ')}`),
    '',
  ];
}

/**
 * Renders the startup report as markdown: the machine, then one table per section.
 *
 * @example
 * process.stdout.write(renderStartup({ machine, loadAtEnd, sections }));
 */
export function renderStartup(report: {
  readonly machine: MachineInfo;
  readonly loadAtEnd: readonly number[];
  readonly sections: readonly StartupSection[];
}): string {
  const { machine } = report;
  const header = `${machine.date} · ${machine.cpu} · ${machine.cores} cores · ${machine.memoryGb} GB · Node ${machine.node} · ${machine.platform} · load ${machine.loadAverage.join(' ')} at start, ${report.loadAtEnd.join(' ')} at end`;
  return [
    '# sluice startup benchmark',
    '',
    header,
    '',
    ...report.sections.flatMap(sectionLines),
  ].join('\n');
}
