/**
 * `npm run bench:limits [-- --quick] [-- --only i,iii] [-- --modes raw,redis] [-- --repetitions 1]`: issue 19's
 * table. Every scenario (small and 100 KB events, paced latency, 1,000 streams, time to
 * first event, idle streams) on the bare `node:http` baseline and on sluice inline, with a
 * process replica, and in Redis mode (gateway + worker + redis-server), each repetition on
 * fresh servers whose whole process tree is pinned to core 0 while this client runs on
 * core 1; and 20,000 idle streams held inline (`v20k`, raw and inline only; it needs an
 * open-files limit above 20,200). With `--built`, the servers run sluice from its build
 * (`dist/`, built first), as `sluice serve` does, rather than from its sources through tsx.
 * Prints Markdown and writes bench/results/limits.{json,md}.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { createBenchAgent } from './client.js';
import { pause } from './clock.js';
import { measurePageTouch } from './page-touch.js';
import { pinToCore } from './process-tree.js';
import { killBenchRedisServers } from './redis-server.js';
import { currentLoad, describeMachine } from './report.js';
import { withTimeout } from './run-scenario.js';
import { warmUp } from './scenarios/warm-up.js';
import type { Metrics } from './scenarios/scenario.js';
import { killAllChildren } from './server-children.js';
import { buildSluice } from './sluice-source.js';
import type { LimitScenario } from './limits/limit-scenario.js';
import {
  createModeHost,
  LIMIT_MODES,
  startMode,
  type LimitMode,
  type ModeHost,
} from './limits/modes.js';
import { limitScenarios } from './limits/scenarios.js';
import { renderLimitTable, type LimitSamples } from './limits/table.js';

const SETTLE_AFTER_WARM_UP_MS = 2_000;

interface LimitOptions {
  readonly quick: boolean;
  readonly only: ReadonlySet<string> | undefined;
  readonly modes: readonly LimitMode[];
  /** Replaces every scenario's own count of repetitions. */
  readonly repetitions: number | undefined;
  /** Run sluice from its build rather than its sources. */
  readonly built: boolean;
}

function listOf(argv: readonly string[], index: number, name: string): string[] {
  const argument = argv[index]!;
  const value = argument.includes('=')
    ? argument.slice(argument.indexOf('=') + 1)
    : argv[index + 1];
  if (value === undefined) throw new Error(`${name} needs a comma-separated list`);
  return value.split(',');
}

function parseArguments(argv: readonly string[]): LimitOptions {
  let quick = false;
  let only: Set<string> | undefined;
  let modes: LimitMode[] = [...LIMIT_MODES];
  let repetitions: number | undefined;
  let built = false;
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index]!;
    const takesNext = !argument.includes('=');
    if (argument === '--quick') quick = true;
    else if (argument === '--built') built = true;
    else if (argument.startsWith('--only')) only = new Set(listOf(argv, index, '--only'));
    else if (argument.startsWith('--repetitions'))
      repetitions = Number(listOf(argv, index, '--repetitions')[0]);
    else if (argument.startsWith('--modes'))
      modes = listOf(argv, index, '--modes').filter((mode): mode is LimitMode =>
        (LIMIT_MODES as readonly string[]).includes(mode),
      );
    else
      throw new Error(
        `unknown argument ${argument} (use --quick, --built, --only i,iii, --modes raw,redis, --repetitions 1)`,
      );
    if (/^--(only|modes|repetitions)/.test(argument)) index += takesNext ? 1 : 0;
  }
  return { quick, only, modes, repetitions, built };
}

async function measureOnce(
  scenario: LimitScenario,
  mode: LimitMode,
  host: ModeHost,
): Promise<Metrics> {
  const started = await startMode(mode, host);
  const agent = createBenchAgent();
  try {
    await warmUp(started.server);
    // Let the warm-up's cancelled idle runs end before the load starts.
    await pause(SETTLE_AFTER_WARM_UP_MS);
    const context = { ...started, agent, processes: () => started.processes() };
    const metrics = await withTimeout(
      scenario.measure(context),
      scenario.timeoutMs,
      `(${scenario.id}) on ${mode}`,
    );
    return { ...metrics, loadAverage1m: os.loadavg()[0]! };
  } finally {
    agent.destroy();
    await started.stop();
  }
}

async function runLimitScenario(
  scenario: LimitScenario,
  options: LimitOptions,
  host: ModeHost,
): Promise<LimitSamples> {
  const result: LimitSamples = { scenario, samples: {}, errors: [] };
  const repetitions = options.repetitions ?? scenario.repetitions;
  const runs = options.modes.filter((mode) => scenario.modes?.includes(mode) ?? true);
  for (let repetition = 0; repetition < repetitions; repetition++) {
    const modes = runs.map((_, index) => runs[(index + repetition) % runs.length]!);
    for (const mode of modes) {
      try {
        const metrics = await measureOnce(scenario, mode, host);
        (result.samples[mode] ??= []).push(metrics);
        console.error(`  (${scenario.id}) #${repetition + 1} ${mode}: ${JSON.stringify(metrics)}`);
      } catch (error) {
        const text = `${mode}: ${error instanceof Error ? error.message : String(error)}`;
        result.errors.push(text);
        console.error(`  (${scenario.id}) #${repetition + 1} failed on ${text}`);
      }
    }
  }
  return result;
}

async function main(): Promise<number> {
  const options = parseArguments(process.argv.slice(2));
  if (options.built) {
    buildSluice();
    process.env.SLUICE_BENCH_BUILT = '1'; // the servers' processes inherit it
  }
  const pinned = os.cpus().length >= 2;
  if (pinned) pinToCore([process.pid], 1);
  const host = createModeHost(pinned ? 0 : undefined);
  const machine = describeMachine();
  const pageTouch = measurePageTouch();
  const scenarios = limitScenarios(options.quick).filter(
    (scenario) => options.only === undefined || options.only.has(scenario.id),
  );
  const results: LimitSamples[] = [];
  try {
    for (const scenario of scenarios) {
      console.error(`(${scenario.id}) ${scenario.title}`);
      results.push(await runLimitScenario(scenario, options, host));
    }
  } finally {
    await host.close();
  }
  const markdown = renderLimitTable(machine, results, {
    quick: options.quick,
    built: options.built,
    pinned,
    loadAtEnd: currentLoad(),
    pageTouch,
  });
  const directory = new URL('results/', import.meta.url);
  await mkdir(directory, { recursive: true });
  const samples = results.map(({ scenario, samples: modeSamples, errors }) => ({
    id: scenario.id,
    title: scenario.title,
    samples: modeSamples,
    errors,
  }));
  await writeFile(
    new URL('limits.json', directory),
    JSON.stringify({ machine, pageTouch, samples }, null, 2) + '\n',
  );
  await writeFile(new URL('limits.md', directory), markdown + '\n');
  console.log(markdown);
  return results.some((result) => result.errors.length > 0) ? 1 : 0;
}

process.on('exit', () => {
  killAllChildren();
  killBenchRedisServers();
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
