/**
 * `tsx bench/sync-path.ts [--quick] [--built]`: the sync path's figures, with the server in
 * its own process on core 1 and this client on core 0 (`taskset`, where there are two
 * cores). With `--built`, the server runs sluice from its build (`dist/`, built first), as
 * `sluice serve` does, rather than from its sources through tsx.
 *
 * - Batching: an endpoint whose per-call cost is mostly fixed (8 ms a call on a device
 *   that runs one call at a time, plus 0.05 ms an item), at 64 clients, batched
 *   (`maxSize: 16`) against unbatched; the same with the cost busy on the server's CPU
 *   (3 ms + 0.05 ms an item); and the p50 batching adds at one client.
 * - Cache: hits per second against a bare Fastify route answering a constant, in paired
 *   rounds, with each server's CPU time per request.
 * - Keyed state: switches per 1,000 requests, replaying the scheduling rule with affinity
 *   against a key-blind dispatcher (`bench/keyed-replay.ts`).
 *
 * Every loop is bounded in count and time.
 */
import { Agent, request } from 'node:http';
import { replayKeyed } from './keyed-replay.js';
import { currentLoad } from './report.js';
import { buildSluice } from './sluice-source.js';
import { canPin, pinSelf } from './startup-processes.js';
import { MAX_WAIT_MS } from './sync-path-costs.js';
import { pairedRounds, perUnitMicroseconds, rate, type Round } from './paired-rounds.js';
import { startReadyServer, stopReadyServer, type ReadyServer } from './ready-server.js';
import { median } from './statistics.js';

const quick = process.argv.includes('--quick');
const built = process.argv.includes('--built');
const SECONDS = quick ? 1.5 : 4;
const CACHE_ROUNDS = quick ? 3 : 7;
const CACHE_ROUND_SECONDS = quick ? 1 : 2;

const agent = new Agent({ keepAlive: true, maxSockets: 128 });

/** One POST over a kept-alive socket (node:http: lighter on the client's core than fetch). */
function post(url: string, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const sent = request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
      (response) => {
        response.resume();
        response.once('end', () =>
          response.statusCode === 200 ? resolve() : reject(new Error(`${response.statusCode}`)),
        );
      },
    );
    sent.once('error', reject);
    sent.end(body);
  });
}

/** Requests per second and p50 of `clients` loops posting for `seconds` (at most 200k requests). */
async function load(url: string, clients: number, seconds = SECONDS) {
  const body = '{"n":1}';
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1000;
  const client = async () => {
    while (performance.now() < end && latencies.length < 200_000) {
      const started = performance.now();
      await post(url, body);
      latencies.push(performance.now() - started);
    }
  };
  await post(url, body); // warm: the socket, the route, the JIT
  const started = performance.now();
  await Promise.all(Array.from({ length: clients }, client));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    rps: latencies.length / elapsed,
    p50: latencies[Math.floor(latencies.length / 2)]!,
  };
}

/** Throughput of `path` batched against unbatched at 64 clients. */
async function batchingRow(base: string, name: string, path: string): Promise<string[]> {
  const plain = await load(`${base}/bench/${path}`, 64);
  const grouped = await load(`${base}/bench/${path}-batched`, 64);
  return [
    `batching (${name}), 64 clients`,
    `unbatched ${plain.rps.toFixed(0)} req/s`,
    `maxSize 16: ${grouped.rps.toFixed(0)} req/s`,
    `${(grouped.rps / plain.rps).toFixed(1)}× (target ≥ 4×)`,
  ];
}

async function sluiceRows(): Promise<string[][]> {
  const server = await startReadyServer('bench/sync-path-server.ts', 'sluice');
  try {
    const base = server.url;
    const device = await batchingRow(base, 'device, 8 ms a call', 'device');
    const cpu = await batchingRow(base, 'server CPU, 3 ms a call', 'cpu');
    const plainOne = await load(`${base}/bench/device`, 1);
    const groupedOne = await load(`${base}/bench/device-batched`, 1);
    const added = groupedOne.p50 - plainOne.p50;
    const latency = [
      'batching, 1 client p50',
      `unbatched ${plainOne.p50.toFixed(2)} ms`,
      `batched ${groupedOne.p50.toFixed(2)} ms`,
      `+${added.toFixed(2)} ms (target ≤ maxWaitMs ${MAX_WAIT_MS} + 1 ms)`,
    ];
    return [device, cpu, latency, await cacheRow(server)];
  } finally {
    await stopReadyServer(server);
  }
}

/**
 * Cache hits against a bare Fastify route answering a constant, 32 clients each, in paired
 * rounds (each round loads one server, then the other, in a rotated order), so that a
 * shared machine's drift between the two cancels out in each round's ratio.
 */
async function cacheRow(sluice: ReadyServer): Promise<string[]> {
  const bare = await startReadyServer('bench/sync-path-server.ts', 'fastify');
  try {
    await post(`${sluice.url}/bench/cached`, '{"n":1}'); // the miss that fills the cache
    const hits = {
      server: { pid: sluice.child.pid! },
      work: () => requests(`${sluice.url}/bench/cached`),
    };
    const constant = {
      server: { pid: bare.child.pid! },
      work: () => requests(`${bare.url}/constant`),
    };
    const [hitRounds, constantRounds] = await pairedRounds([hits, constant], CACHE_ROUNDS);
    const ratios = hitRounds!.map((round, index) => rate(round) / rate(constantRounds![index]!));
    const costs = (rounds: readonly Round[]) => median(rounds.map(perUnitMicroseconds)).toFixed(0);
    return [
      `cache hit, 32 clients, ${CACHE_ROUNDS} paired rounds`,
      `bare Fastify ${median(constantRounds!.map(rate)).toFixed(0)} req/s (${costs(constantRounds!)} µs CPU each)`,
      `hits ${median(hitRounds!.map(rate)).toFixed(0)} req/s (${costs(hitRounds!)} µs CPU each)`,
      `${median(ratios).toFixed(2)}× median of the rounds' ratios, ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)} (target ≥ 0.8×)`,
    ];
  } finally {
    await stopReadyServer(bare);
  }
}

/** Requests done by 32 clients in one round. */
async function requests(url: string): Promise<number> {
  return (await load(url, 32, CACHE_ROUND_SECONDS)).requests;
}

function keyedRows(): string[][] {
  const options = { replicas: 2, concurrency: 4, keys: 4, clients: 32, requests: 20_000 };
  const affinity = replayKeyed({ ...options, keyBlind: false });
  const blind = replayKeyed({ ...options, keyBlind: true });
  return [
    [
      'keyed state, 4 keys, 2 replicas × 4, 32 clients',
      `key-blind ${blind.switchesPer1000.toFixed(0)} switches/1000`,
      `affinity ${affinity.switchesPer1000.toFixed(0)} switches/1000`,
      `${(blind.switchesPer1000 / Math.max(affinity.switchesPer1000, 1e-9)).toFixed(1)}× fewer (no target)`,
    ],
  ];
}

async function main(): Promise<void> {
  if (built) {
    buildSluice();
    process.env.SLUICE_BENCH_BUILT = '1'; // the server's process inherits it
  }
  pinSelf('0');
  const rows = [...(await sluiceRows()), ...keyedRows()];
  const pinned = canPin() ? 'server on core 1, client on core 0' : 'unpinned';
  const source = built ? 'sluice from its build' : 'sluice from its sources';
  console.log(`sync path (${pinned}; ${source}; load average ${currentLoad().join(' ')})`);
  for (const row of rows) console.log(row.join(' | '));
  agent.destroy();
}

await main();
