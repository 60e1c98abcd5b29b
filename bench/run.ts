/**
 * `npm run bench [-- --quick] [-- --only i,ii]`: runs the scenarios on the baseline and on
 * sluice, prints a markdown table and writes bench/results/latest.{json,md}.
 */
import {
  currentLoad,
  describeMachine,
  renderMarkdown,
  writeReport,
  type BenchReport,
} from './report.js';
import { runScenario, type ScenarioResult } from './run-scenario.js';
import { buildScenarios } from './scenarios/scenario-list.js';
import { killAllChildren } from './server-children.js';

interface RunOptions {
  readonly quick: boolean;
  readonly only: ReadonlySet<string> | undefined;
}

function parseArguments(argv: readonly string[]): RunOptions {
  let quick = false;
  let only: Set<string> | undefined;
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index]!;
    if (argument === '--quick') quick = true;
    else if (argument === '--only') only = new Set(argv[++index]?.split(',') ?? []);
    else if (argument.startsWith('--only=')) only = new Set(argument.slice(7).split(','));
    else throw new Error(`unknown argument ${argument} (use --quick, --only i,ii)`);
  }
  return { quick, only };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function main(): Promise<number> {
  const options = parseArguments(process.argv.slice(2));
  const scenarios = buildScenarios(options.quick).filter(
    (scenario) => options.only === undefined || options.only.has(scenario.id),
  );
  if (scenarios.length === 0)
    throw new Error('--only selects no scenario (ids: i, ii, iii, iv, v)');
  const machine = describeMachine();
  const results: ScenarioResult[] = [];
  const failures: BenchReport['failures'][number][] = [];
  for (const scenario of scenarios) {
    console.error(`(${scenario.id}) ${scenario.title}`);
    try {
      results.push(await runScenario(scenario, (line) => console.error(line)));
    } catch (error) {
      console.error(`  failed: ${errorText(error)}`);
      failures.push({ id: scenario.id, title: scenario.title, error: errorText(error) });
    }
  }
  const report: BenchReport = {
    machine,
    loadAverageAtEnd: currentLoad(),
    quick: options.quick,
    scenarios: results,
    failures,
  };
  await writeReport(new URL('results/', import.meta.url), report);
  console.log(renderMarkdown(report));
  return failures.length === 0 ? 0 : 1;
}

process.on('exit', killAllChildren);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => process.exit(130));
}
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
