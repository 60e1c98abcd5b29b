import { createBenchAgent } from './client.js';
import type { Metrics, MetricRow, Scenario } from './scenarios/scenario.js';
import { warmUp } from './scenarios/warm-up.js';
import { startServer, type ServerKind } from './server-process.js';
import { median } from './statistics.js';

/** One table row: medians over the repetitions. */
export interface RowResult {
  readonly label: string;
  readonly baseline: string;
  readonly sluice: string;
  /** Each repetition's figure, formatted. */
  readonly baselineSamples: readonly string[];
  readonly sluiceSamples: readonly string[];
  /** Median over repetitions of sluice ÷ baseline (same repetition). */
  readonly ratio: number;
  readonly target: string;
  /** `undefined` when the row has no target. */
  readonly pass: boolean | undefined;
}

/** A scenario's outcome, with every repetition's raw figures. */
export interface ScenarioResult {
  readonly id: string;
  readonly title: string;
  readonly rows: readonly RowResult[];
  readonly samples: Readonly<Record<ServerKind, readonly Metrics[]>>;
}

/**
 * `work`, or a rejection naming `what` once `timeoutMs` pass.
 *
 * @example
 * await withTimeout(measure(), 60_000, 'scenario i');
 */
export function withTimeout<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

async function measureOnce(scenario: Scenario, kind: ServerKind): Promise<Metrics> {
  const server = await startServer(kind);
  const agent = createBenchAgent();
  try {
    await warmUp(server);
    const what = `scenario ${scenario.id} on ${kind}`;
    return await withTimeout(scenario.measure({ server, agent }), scenario.timeoutMs, what);
  } finally {
    agent.destroy();
    await server.stop();
  }
}

function describeTarget(row: MetricRow): string {
  if (row.target === undefined) return '';
  if (row.target.kind === 'ratio-at-least') return `≥ ${row.target.value}× baseline`;
  return `≤ ${row.target.value} ${row.target.unit}`;
}

function summariseRow(row: MetricRow, samples: ScenarioResult['samples']): RowResult {
  const values = (kind: ServerKind) => samples[kind].map((metrics) => metrics[row.metric] ?? NaN);
  const baseline = median(values('baseline'));
  const sluice = median(values('sluice'));
  const ratios = values('sluice').map((value, index) => value / values('baseline')[index]!);
  const ratio = median(ratios);
  let pass: boolean | undefined;
  if (row.target?.kind === 'ratio-at-least') pass = ratio >= row.target.value;
  if (row.target?.kind === 'sluice-at-most') pass = sluice <= row.target.value;
  return {
    label: row.label,
    baseline: row.format(baseline),
    sluice: row.format(sluice),
    baselineSamples: values('baseline').map(row.format),
    sluiceSamples: values('sluice').map(row.format),
    ratio,
    target: describeTarget(row),
    pass,
  };
}

/**
 * Runs a scenario on both servers, each repetition on fresh server processes (warmed up
 * first), alternating which server goes first.
 *
 * @example
 * const result = await runScenario(scenario, console.log);
 */
export async function runScenario(
  scenario: Scenario,
  log: (line: string) => void,
): Promise<ScenarioResult> {
  const samples: Record<ServerKind, Metrics[]> = { baseline: [], sluice: [] };
  for (let repetition = 0; repetition < scenario.repetitions; repetition++) {
    const order: ServerKind[] =
      repetition % 2 === 0 ? ['baseline', 'sluice'] : ['sluice', 'baseline'];
    for (const kind of order) {
      const metrics = await measureOnce(scenario, kind);
      samples[kind].push(metrics);
      log(`  (${scenario.id}) #${repetition + 1} ${kind}: ${JSON.stringify(metrics)}`);
    }
  }
  return {
    id: scenario.id,
    title: scenario.title,
    rows: scenario.rows.map((row) => summariseRow(row, samples)),
    samples,
  };
}
