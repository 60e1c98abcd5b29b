/**
 * Replica benchmarks (issue 5), each figure measured next to its baseline in the same run:
 * - events/s and p99 emit-to-client latency through a process replica versus inline;
 * - cold start of a replica without setup versus a bare forked Node process with tsx;
 * - map throughput of no-op tasks over 2 replicas versus the same map inline.
 *
 * Run: `npx tsx bench/replicas.ts` (prints a Markdown table).
 */
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { App } from '../src/app/define-app.js';
import { createRuntime, type RuntimeApp } from '../src/runtime/create-runtime.js';
import type { RuntimeOverrides } from '../src/runtime/placement.js';
import { createGateway } from '../src/server/create-gateway.js';
import { createBenchAgent, openStream } from './client.js';
import { pause } from './clock.js';
import { firehose } from './firehose-app.js';
import { bare, mapper, noopTask, victim } from './replicas-apps.js';
import { median, percentile } from './statistics.js';

const FIREHOSE_URL = new URL('./firehose-app.ts', import.meta.url).href;
const APPS_URL = new URL('./replicas-apps.ts', import.meta.url).href;
const ROUNDS = 3;

interface Row {
  readonly figure: string;
  readonly inline: string;
  readonly process: string;
}

async function withGateway<Result>(
  options: {
    readonly apps: App[];
    readonly runtimeApps: RuntimeApp[];
    readonly overrides: RuntimeOverrides;
  },
  use: (url: string) => Promise<Result>,
): Promise<Result> {
  const runtime = createRuntime(options.runtimeApps, options.overrides);
  await runtime.start();
  const gateway = await createGateway({ apps: options.apps, runtime, logger: false });
  const url = await gateway.listen({ host: '127.0.0.1', port: 0 });
  try {
    return await use(url);
  } finally {
    await gateway.close();
  }
}

function firehoseGateway<Result>(
  isolation: 'inline' | 'process',
  use: (url: string) => Promise<Result>,
) {
  return withGateway(
    {
      apps: [firehose],
      runtimeApps: [{ app: firehose, moduleUrl: FIREHOSE_URL }],
      overrides: { isolation, maxConcurrency: 32 },
    },
    use,
  );
}

const EVENTS = 100_000;

async function eventsPerSecond(url: string): Promise<number> {
  const agent = createBenchAgent();
  try {
    const input = { events: EVENTS, bytes: 100, interval_ms: 0, idle: false };
    const started = performance.now();
    const report = await openStream({
      url: `${url}/bench/firehose/stream`,
      input,
      agent,
      timeoutMs: 120_000,
    }).finished;
    if (report.outputEvents !== EVENTS) throw new Error(`got ${report.outputEvents}/${EVENTS}`);
    return EVENTS / ((performance.now() - started) / 1000);
  } finally {
    agent.destroy();
  }
}

async function latency(url: string): Promise<{ p50: number; p99: number }> {
  const agent = createBenchAgent();
  const streams = 20;
  const intervalMs = 20;
  const input = { events: 150, bytes: 100, interval_ms: intervalMs, idle: false };
  try {
    const running = [];
    for (let index = 0; index < streams; index++) {
      const stream = openStream({
        url: `${url}/bench/firehose/stream`,
        input,
        agent,
        timeoutMs: 60_000,
        clockOffsetMs: 0,
      });
      running.push(stream.finished);
      await pause(intervalMs / streams);
    }
    const latencies = (await Promise.all(running)).flatMap((report) => report.latenciesMs);
    return { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) };
  } finally {
    agent.destroy();
  }
}

async function coldStartMs(): Promise<number> {
  const runtime = createRuntime([{ app: bare, moduleUrl: APPS_URL }], { isolation: 'process' });
  const started = performance.now();
  await runtime.start();
  const elapsed = performance.now() - started;
  await runtime.close();
  return elapsed;
}

const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

function bareForkMs(): Promise<number> {
  const started = performance.now();
  const child = fork(
    fileURLToPath(new URL('./replica-cold-start-baseline.ts', import.meta.url)),
    [],
    {
      execArgv: ['--import', TSX],
      serialization: 'advanced',
    },
  );
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(performance.now() - started));
    child.once('error', reject);
  });
}

const MAP_TASKS = 2_000;

async function mapTasksPerSecond(isolation: 'inline' | 'process'): Promise<number> {
  const overrides: RuntimeOverrides = {};
  const runtimeApps: RuntimeApp[] = [
    mapper,
    isolation === 'inline'
      ? noopTask
      : {
          app: {
            ...noopTask,
            placement: { ...noopTask.placement, isolation, replicas: 2, maxConcurrency: 32 },
          },
          moduleUrl: APPS_URL,
        },
  ];
  const noop = (runtimeApps[1] as { app?: App }).app ?? noopTask;
  return withGateway({ apps: [mapper, noop], runtimeApps, overrides }, async (url) => {
    const started = performance.now();
    const response = await fetch(`${url}/bench/mapper`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ count: MAP_TASKS, concurrency: 64 }),
    });
    const body = (await response.json()) as { outputs?: number };
    if (body.outputs !== MAP_TASKS) throw new Error(`map answered ${JSON.stringify(body)}`);
    return MAP_TASKS / ((performance.now() - started) / 1000);
  });
}

/** From `kill -9` of a replica to the client reading the run's `worker_lost` event. */
async function workerLostMs(): Promise<number> {
  const runtimeApps = [{ app: victim, moduleUrl: APPS_URL }];
  return withGateway({ apps: [victim], runtimeApps, overrides: {} }, async (url) => {
    const response = await fetch(`${url}/bench/victim/stream`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    let killedAt = 0;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error('the stream ended without worker_lost');
      text += value;
      const pid = /"pid":(\d+)/.exec(text)?.[1];
      if (pid && killedAt === 0) {
        killedAt = performance.now();
        process.kill(Number(pid), 'SIGKILL');
      }
      if (text.includes('worker_lost')) return performance.now() - killedAt;
    }
  });
}

async function repeat(measure: () => Promise<number>): Promise<number> {
  const samples: number[] = [];
  for (let round = 0; round < ROUNDS; round++) samples.push(await measure());
  return median(samples);
}

const format = (value: number, digits = 0) => value.toFixed(digits);

async function main(): Promise<void> {
  const rows: Row[] = [];
  const rates = { inline: 0, process: 0 };
  const delays = { inline: { p50: 0, p99: 0 }, process: { p50: 0, p99: 0 } };
  for (const isolation of ['inline', 'process'] as const) {
    process.stderr.write(`measuring ${isolation}…\n`);
    rates[isolation] = await firehoseGateway(isolation, (url) =>
      repeat(() => eventsPerSecond(url)),
    );
    delays[isolation] = await firehoseGateway(isolation, (url) => latency(url));
  }
  rows.push({
    figure: `events/s, one stream of ${EVENTS} × 100 B`,
    inline: format(rates.inline),
    process: format(rates.process),
  });
  rows.push({
    figure: 'emit-to-client p50 ms (20 streams, 50 ev/s each)',
    inline: format(delays.inline.p50, 2),
    process: format(delays.process.p50, 2),
  });
  rows.push({
    figure: 'emit-to-client p99 ms (20 streams, 50 ev/s each)',
    inline: format(delays.inline.p99, 2),
    process: format(delays.process.p99, 2),
  });
  const fork = await repeat(bareForkMs);
  const cold = await repeat(coldStartMs);
  rows.push({
    figure: 'cold start ms: bare fork + tsx (inline column) vs replica without setup',
    inline: format(fork),
    process: format(cold),
  });
  const mapInline = await repeat(() => mapTasksPerSecond('inline'));
  const mapProcess = await repeat(() => mapTasksPerSecond('process'));
  rows.push({
    figure: `map no-op tasks/s (${MAP_TASKS} tasks; process: 2 replicas)`,
    inline: format(mapInline),
    process: format(mapProcess),
  });
  const lost = await repeat(workerLostMs);
  rows.push({
    figure: 'kill -9 to worker_lost read by the client, ms',
    inline: '–',
    process: format(lost, 1),
  });
  const lines = ['| figure | inline / baseline | process replicas |', '|---|---:|---:|'];
  for (const row of rows) lines.push(`| ${row.figure} | ${row.inline} | ${row.process} |`);
  process.stdout.write(
    `${lines.join('\n')}\n\nmedian of ${ROUNDS} rounds where repeated; node ${process.version}\n`,
  );
}

await main();
