/**
 * `tsx bench/autoscale.ts [--cold N] [--warm N]`: the cold start of an autoscaled app from
 * zero replicas to its first event, against a warm replica of the same app in the same run.
 * Each request is a stream (`POST /{app}/stream`), timed from the request to its first
 * `output` event, one at a time. `bench/cold` scales to zero after each run
 * (`keepAliveMs: 0`), so each of its requests starts a replica process (fork, tsx, import
 * of sluice and the app; no `setup`); `bench/warm` keeps one replica up (`min: 1`).
 * Gateway, replicas and client share the machine: not pinned.
 */
import { parseArgs } from 'node:util';
import { createGateway } from '../src/server/create-gateway.js';
import { createRuntime } from '../src/runtime/create-runtime.js';
import { coldApp, warmApp } from './autoscale-apps.js';

const { values } = parseArgs({
  options: {
    cold: { type: 'string', default: '5' },
    warm: { type: 'string', default: '50' },
  },
});
const COLD = Number(values.cold);
const WARM = Number(values.warm);
const MODULE = new URL('./autoscale-apps.ts', import.meta.url).href;

/** Milliseconds from the request to the first `output` event, reading the stream to its end. */
async function firstEventMs(url: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let first: number | undefined;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    if (first === undefined && text.includes('event: output')) first = performance.now();
  }
  if (first === undefined) throw new Error(`no output event: ${text.slice(0, 300)}`);
  return first - started;
}

function median(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Waits until the cold app is back at zero replicas. */
async function atZero(runtime: ReturnType<typeof createRuntime>): Promise<void> {
  while ((runtime.status('bench/cold').scale?.current ?? 0) > 0)
    await new Promise((resolve) => setTimeout(resolve, 10));
}

async function main(): Promise<void> {
  const runtime = createRuntime([
    { app: coldApp, moduleUrl: MODULE },
    { app: warmApp, moduleUrl: MODULE },
  ]);
  await runtime.start();
  const gateway = await createGateway({ apps: [coldApp, warmApp], runtime, logger: false });
  const url = await gateway.listen({ host: '127.0.0.1', port: 0 });
  try {
    await firstEventMs(`${url}/bench/warm/stream`); // warm-up
    const warm: number[] = [];
    for (let index = 0; index < WARM; index++)
      warm.push(await firstEventMs(`${url}/bench/warm/stream`));
    const cold: number[] = [];
    for (let index = 0; index < COLD; index++) {
      await atZero(runtime);
      cold.push(await firstEventMs(`${url}/bench/cold/stream`));
    }
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const coldStarts = /sluice_cold_start_seconds_sum\{app="bench\/cold"\} (\S+)/.exec(metrics);
    const coldCount = /sluice_cold_start_seconds_count\{app="bench\/cold"\} (\S+)/.exec(metrics);
    const replicaReadyMs = (Number(coldStarts?.[1]) / Number(coldCount?.[1])) * 1000;
    console.log(
      `autoscale: cold start from zero replicas vs a warm replica (${COLD} cold, ${WARM} warm)`,
    );
    console.table([
      {
        figure: 'warm replica: request to first event (median ms)',
        value: median(warm).toFixed(1),
      },
      { figure: 'from zero: request to first event (median ms)', value: median(cold).toFixed(1) },
      { figure: 'cold / warm', value: `${(median(cold) / median(warm)).toFixed(0)}×` },
      {
        figure: 'from zero, added by the cold start (ms)',
        value: (median(cold) - median(warm)).toFixed(1),
      },
      {
        figure: 'replica launch to ready (mean ms, sluice_cold_start_seconds)',
        value: replicaReadyMs.toFixed(1),
      },
      { figure: 'replicas started for the cold requests', value: String(coldCount?.[1]) },
    ]);
  } finally {
    await gateway.close();
  }
}

await main();
