/**
 * `tsx bench/realtime.ts [--quick] [--built]`: the realtime view against its baselines, server
 * and client pinned to separate cores (`taskset`, where there are two). With `--built`, the
 * server runs sluice from its build (`dist/`, built first), as the installed package does,
 * rather than from its sources through tsx.
 *
 * - round trip, one input at a time over one connection, vs a new HTTP JSON request per
 *   input to the same app (p50, p99): on the fresh server (after 100 inputs), then again
 *   once it is warm (after those and the HTTP requests), with a bare `ws` echo's for scale;
 * - inputs per second over one connection, one at a time, vs a bare `ws` echo server, in
 *   RATE_ROUNDS paired rounds (sluice and the echo alternated, one connection each, the
 *   ratio taken round by round), with each server's CPU per input; and pipelined,
 *   PIPELINE_WINDOW inputs in flight on both (the endpoint's `maxInFlight`);
 * - memory per idle connection: the server process tree's RSS with N connections open,
 *   less its RSS before (N = 5,000; 500 with --quick).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { WebSocket } from 'ws';
import {
  interval,
  pairedRounds,
  perUnitMicroseconds,
  rate,
  ratios,
  spread,
} from './paired-rounds.js';
import { currentLoad } from './report.js';
import { buildSluice } from './sluice-source.js';
import { pinSelf } from './startup-processes.js';
import { percentile } from './statistics.js';
import { startReadyServer, stopReadyServer, type ReadyServer } from './ready-server.js';

const quick = process.argv.includes('--quick');
const built = process.argv.includes('--built');
const ROUND_TRIPS = quick ? 500 : 5_000;
const THROUGHPUT_MS = quick ? 1_000 : 5_000;
/** Rounds of the one-at-a-time rate, each THROUGHPUT_MS / RATE_ROUNDS per server. */
const RATE_ROUNDS = quick ? 3 : 9;
const IDLE_CONNECTIONS = quick ? 500 : 5_000;
/** Inputs in flight in the pipelined rate: the bench app's `realtime.maxInFlight`. */
const PIPELINE_WINDOW = 16;

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url.replace(/^http/, 'ws'));
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

function answer(socket: WebSocket, input: string): Promise<void> {
  return new Promise((resolve) => {
    socket.once('message', () => resolve());
    socket.send(input);
  });
}

async function socketRoundTrips(url: string, count: number): Promise<number[]> {
  const socket = await open(url);
  const times: number[] = [];
  for (let index = 0; index < count + 100; index++) {
    const started = performance.now();
    await answer(socket, JSON.stringify({ x: index }));
    if (index >= 100) times.push(performance.now() - started); // the first 100 warm up
  }
  socket.close();
  return times;
}

async function httpRoundTrips(url: string, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let index = 0; index < count + 100; index++) {
    const started = performance.now();
    const response = await fetch(`${url}/bench/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ x: index }),
    });
    await response.json();
    if (index >= 100) times.push(performance.now() - started);
  }
  return times;
}

/** Inputs answered one at a time over one connection in `milliseconds`. */
async function inputsAnswered(url: string, milliseconds: number): Promise<number> {
  const socket = await open(url);
  let count = 0;
  const deadline = performance.now() + milliseconds;
  while (performance.now() < deadline) await answer(socket, JSON.stringify({ x: count++ }));
  socket.close();
  return count;
}

/** The one-at-a-time rate of sluice and of the echo, in paired rounds (after a warm-up each). */
async function pairedRates(sluice: ReadyServer, echo: ReadyServer) {
  const roundMs = THROUGHPUT_MS / RATE_ROUNDS;
  const workload = (server: ReadyServer, url: string) => ({
    server: { pid: server.child.pid! },
    work: () => inputsAnswered(url, roundMs),
  });
  const [sluiceRounds, echoRounds] = await pairedRounds(
    [workload(sluice, `${sluice.url}/bench/echo/realtime`), workload(echo, echo.url)],
    RATE_ROUNDS,
  );
  return { sluiceRounds: sluiceRounds!, echoRounds: echoRounds! };
}

/** Inputs per second with PIPELINE_WINDOW in flight: each answer sends the next input. */
async function pipelinedInputsPerSecond(url: string): Promise<number> {
  const socket = await open(url);
  let sent = 0;
  let answered = 0;
  const started = performance.now();
  const deadline = started + THROUGHPUT_MS;
  await new Promise<void>((resolve) => {
    socket.on('message', () => {
      answered++;
      if (performance.now() < deadline) socket.send(JSON.stringify({ x: sent++ }));
      else if (answered === sent) resolve();
    });
    for (let index = 0; index < PIPELINE_WINDOW; index++)
      socket.send(JSON.stringify({ x: sent++ }));
  });
  const seconds = (performance.now() - started) / 1000;
  socket.close();
  return answered / seconds;
}

function treeRss(pid: number): number {
  const rssOf = (id: number) => {
    const status = readFileSync(`/proc/${id}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
  };
  const childrenOf = (id: number) =>
    readdirSync(`/proc/${id}/task`).flatMap((task) =>
      readFileSync(`/proc/${id}/task/${task}/children`, 'utf8')
        .split(' ')
        .filter(Boolean)
        .map(Number),
    );
  return rssOf(pid) + childrenOf(pid).reduce((sum, child) => sum + treeRss(child), 0);
}

async function idleMemory(
  server: ReadyServer,
): Promise<{ held: number; bytesPerConnection: number }> {
  const url = `${server.url}/bench/echo/realtime`;
  const warm = await open(url); // the first connection loads ws's code paths
  await answer(warm, '{"x":0}');
  await new Promise((resolve) => setTimeout(resolve, 500));
  const before = treeRss(server.child.pid!);
  const sockets: WebSocket[] = [];
  for (let opened = 0; opened < IDLE_CONNECTIONS; opened += 250)
    sockets.push(...(await Promise.all(Array.from({ length: 250 }, () => open(url)))));
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const after = treeRss(server.child.pid!);
  const held = sockets.filter((socket) => socket.readyState === WebSocket.OPEN).length;
  for (const socket of [...sockets, warm]) socket.terminate();
  return { held, bytesPerConnection: (after - before) / IDLE_CONNECTIONS };
}

const ms = (value: number) => `${value.toFixed(3)} ms`;

if (built) {
  buildSluice();
  process.env.SLUICE_BENCH_BUILT = '1'; // the servers' processes inherit it
}
pinSelf('0');
const load = currentLoad();
const sluice = await startReadyServer('bench/realtime-server.ts', 'sluice');
const echo = await startReadyServer('bench/realtime-server.ts', 'echo');
try {
  const realtime = await socketRoundTrips(`${sluice.url}/bench/echo/realtime`, ROUND_TRIPS);
  const http = await httpRoundTrips(sluice.url, ROUND_TRIPS);
  // The same again on the now warm server (V8 has compiled sluice's path), and a bare echo's.
  const warmRealtime = await socketRoundTrips(`${sluice.url}/bench/echo/realtime`, ROUND_TRIPS);
  const warmHttp = await httpRoundTrips(sluice.url, ROUND_TRIPS);
  const echoTrips = await socketRoundTrips(echo.url, ROUND_TRIPS);
  const { sluiceRounds, echoRounds } = await pairedRates(sluice, echo);
  const rateRatios = ratios(sluiceRounds, echoRounds, rate);
  const sluicePipelined = await pipelinedInputsPerSecond(`${sluice.url}/bench/echo/realtime`);
  const echoPipelined = await pipelinedInputsPerSecond(echo.url);
  const memory = await idleMemory(sluice);
  const p50 = percentile(realtime, 0.5);
  const httpP50 = percentile(http, 0.5);
  const source = built ? 'sluice from its build' : 'sluice from its sources';
  console.log(
    `\nRealtime (load before: ${load.join(', ')}; ${quick ? 'quick' : 'full'} scale; ${source})\n`,
  );
  console.log('| measure | realtime | baseline | ratio |');
  console.log('|---|---|---|---|');
  console.log(
    `| round trip p50 (vs a new HTTP JSON request) | ${ms(p50)} | ${ms(httpP50)} | ${(httpP50 / p50).toFixed(2)}× lower |`,
  );
  console.log(
    `| round trip p99 | ${ms(percentile(realtime, 0.99))} | ${ms(percentile(http, 0.99))} | |`,
  );
  console.log(
    `| round trip p50 once warm | ${ms(percentile(warmRealtime, 0.5))} | ${ms(percentile(warmHttp, 0.5))} | |`,
  );
  console.log(
    `| round trip p99 once warm | ${ms(percentile(warmRealtime, 0.99))} | ${ms(percentile(warmHttp, 0.99))} | |`,
  );
  console.log(
    `| round trip on a bare ws echo, p50 / p99 | ${ms(percentile(echoTrips, 0.5))} / ${ms(percentile(echoTrips, 0.99))} | | |`,
  );
  console.log(
    `| inputs/s, one connection (vs bare ws echo), median of ${RATE_ROUNDS} paired rounds (range) | ${spread(sluiceRounds.map(rate), 0)} | ${spread(echoRounds.map(rate), 0)} | ${spread(rateRatios, 2, '×')} |`,
  );
  console.log(`| same, 95 % interval of the median ratio | | | ${interval(rateRatios, 2, '×')} |`);
  console.log(
    `| server CPU per input, one at a time | ${spread(sluiceRounds.map(perUnitMicroseconds), 1, ' µs')} | ${spread(echoRounds.map(perUnitMicroseconds), 1, ' µs')} | |`,
  );
  console.log(
    `| inputs/s, one connection, ${PIPELINE_WINDOW} in flight (vs bare ws echo) | ${sluicePipelined.toFixed(0)} | ${echoPipelined.toFixed(0)} | ${(sluicePipelined / echoPipelined).toFixed(2)}× |`,
  );
  console.log(`| idle connections held | ${memory.held} of ${IDLE_CONNECTIONS} | | |`);
  console.log(
    `| RSS per idle connection (server tree) | ${(memory.bytesPerConnection / 1024).toFixed(1)} KB | | |`,
  );
  console.log(`\nload after: ${currentLoad().join(', ')}`);
} finally {
  await stopReadyServer(sluice);
  await stopReadyServer(echo);
}
