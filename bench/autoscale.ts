/**
 * `tsx bench/autoscale.ts [--cold N] [--warm N]`: the cold start of an autoscaled app from
 * zero replicas to its first event, against a warm replica of the same app in the same run.
 * Each request is a stream (`POST /{app}/stream`), timed from the request to its first
 * `output` event, one at a time. `bench/cold` scales to zero after each run
 * (`keepAliveMs: 0`), so each of its requests starts a replica process (fork, tsx, import
 * of sluice and the app; no `setup`); `bench/warm` keeps one replica up (`min: 1`).
 * The gateway runs in a child process pinned to core 0 (`bench/autoscale-server.ts`); the
 * replicas it forks inherit that core. This timing client runs on core 1 (`taskset`). The
 * output lists the cores each process was allowed, so an unpinned run shows as one.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pinToCore, processTree } from './process-tree.js';
import { startServer, type ServerHandle } from './server-process.js';
import { median } from './statistics.js';

const { values } = parseArgs({
  options: {
    cold: { type: 'string', default: '5' },
    warm: { type: 'string', default: '50' },
  },
});
const COLD = Number(values.cold);
const WARM = Number(values.warm);

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

interface ReadyBody {
  readonly apps: Record<string, { readonly scale?: { readonly current: number } }>;
}

/** Waits until the cold app is back at zero replicas, as the gateway's `/ready` reports. */
async function atZero(url: string): Promise<void> {
  for (;;) {
    const ready = (await (await fetch(`${url}/ready`)).json()) as ReadyBody;
    if ((ready.apps['bench/cold']?.scale?.current ?? 0) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The cores a process may run on (`Cpus_allowed_list`), or `?` once it is gone. */
function allowedCores(pid: number): string {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return /^Cpus_allowed_list:\s+(\S+)/m.exec(status)?.[1] ?? '?';
  } catch {
    return '?';
  }
}

/** Where the client, and the gateway with its replicas (and their helpers), may run. */
function affinity(server: ServerHandle): string {
  const tree = processTree([server.pid]);
  const cores = new Set(tree.map(allowedCores).filter((list) => list !== '?'));
  const gatewayCores = [...cores].join(' and ');
  return `cores: client ${allowedCores(process.pid)}; gateway and its ${tree.length - 1} descendant processes (replicas among them) ${gatewayCores}`;
}

async function main(): Promise<void> {
  pinToCore([process.pid], 1);
  const server = await startServer('sluice', {
    script: 'autoscale-server.ts',
    onSpawn: (pid) => pinToCore([pid], 0),
  });
  const url = server.baseUrl;
  try {
    await firstEventMs(`${url}/bench/warm/stream`); // warm-up
    const warm: number[] = [];
    for (let index = 0; index < WARM; index++)
      warm.push(await firstEventMs(`${url}/bench/warm/stream`));
    const cold: number[] = [];
    for (let index = 0; index < COLD; index++) {
      await atZero(url);
      cold.push(await firstEventMs(`${url}/bench/cold/stream`));
    }
    const cores = affinity(server); // the warm replica is up: it shows the replicas' cores
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const coldStarts = /sluice_cold_start_seconds_sum\{app="bench\/cold"\} (\S+)/.exec(metrics);
    const coldCount = /sluice_cold_start_seconds_count\{app="bench\/cold"\} (\S+)/.exec(metrics);
    const replicaReadyMs = (Number(coldStarts?.[1]) / Number(coldCount?.[1])) * 1000;
    console.log(
      `autoscale: cold start from zero replicas vs a warm replica (${COLD} cold, ${WARM} warm)`,
    );
    console.log(cores);
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
    await server.stop();
  }
}

await main();
