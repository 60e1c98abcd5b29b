/**
 * `SLUICE_BENCH_BUILT=1 tsx bench/redis-idle-split.ts [streams]`: where Redis mode's memory
 * and CPU per idle stream go. Starts a private `redis-server`, a gateway and a worker (as
 * `bench:limits` does), holds `streams` idle streams (5,000 by default) until the worker
 * runs them all, and prints each
 * process's RSS per stream (`/proc/<pid>/status` VmRSS, after less before), Redis's
 * `used_memory` per stream, each process's CPU over 10 s while they are held
 * (`/proc/<pid>/stat`), and the commands Redis ran meanwhile. `bench:limits` (v) gives
 * only the sums.
 */
import { readFileSync } from 'node:fs';
import { createBenchAgent, openStream } from './client.js';
import { untilRunsActive } from './limits/redis-probes.js';
import { cpuSecondsOf } from './redis-process-cpu.js';
import { pause } from './clock.js';
import { startRedisMode } from './redis-mode-server.js';
import { startBenchRedis } from './redis-server.js';

const STREAMS = Number(process.argv[2] ?? 5_000);
const CPU_WINDOW_MS = 10_000;
const OPEN_AT_ONCE = 250;
const IDLE = { events: 0, bytes: 100, interval_ms: 0, idle: true };

function rssKilobytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

const redis = await startBenchRedis();
const server = await startRedisMode({ url: redis.url, prefix: 'idle-split:' });
const agent = createBenchAgent();
const processes = { gateway: server.processIds.gateway, worker: server.processIds.worker };
const pids = { ...processes, 'redis-server': redis.pid };
const usedMemory = async () =>
  Number(/used_memory:(\d+)/.exec(await redis.client.info('memory'))?.[1] ?? 0);
const open = (count: number) =>
  Array.from({ length: count }, () =>
    openStream({ url: server.streamUrl, input: IDLE, agent, timeoutMs: 600_000 }),
  );
try {
  const warm = open(50); // the code paths of a held stream, loaded before the baseline
  await Promise.all(warm.map((stream) => stream.firstByte));
  await pause(2_000);
  const before = Object.values(pids).map(rssKilobytes);
  const usedBefore = await usedMemory();
  const streams = [...warm];
  for (let opened = 0; opened < STREAMS; opened += OPEN_AT_ONCE) {
    const batch = open(OPEN_AT_ONCE);
    await Promise.all(batch.map((stream) => stream.firstByte));
    streams.push(...batch);
  }
  await untilRunsActive(redis.client, STREAMS, 120_000); // the worker has started them all
  await pause(5_000);
  const after = Object.values(pids).map(rssKilobytes);
  console.log(`| process (${STREAMS.toLocaleString('en-US')} idle streams) | RSS per stream |`);
  console.log('| --- | ---: |');
  Object.keys(pids).forEach((name, index) => {
    const perStream = (after[index]! - before[index]!) / STREAMS;
    console.log(`| ${name} | ${perStream.toFixed(1)} KB |`);
  });
  const used = ((await usedMemory()) - usedBefore) / STREAMS;
  console.log(`| Redis \`used_memory\` | ${(used / 1024).toFixed(1)} KB |`);
  await redis.client.config('RESETSTAT');
  const cpuOf = () => Promise.all(Object.values(pids).map(cpuSecondsOf));
  const cpuBefore = await cpuOf();
  await pause(CPU_WINDOW_MS);
  const cpuAfter = await cpuOf();
  console.log(`\n| process | CPU while held (% of a core, ${CPU_WINDOW_MS / 1000} s) |`);
  console.log('| --- | ---: |');
  Object.keys(pids).forEach((name, index) => {
    const percent = ((cpuAfter[index]! - cpuBefore[index]!) * 100_000) / CPU_WINDOW_MS;
    console.log(`| ${name} | ${percent.toFixed(1)} % |`);
  });
  console.log('\n| Redis command meanwhile | calls | µs |\n| --- | ---: | ---: |');
  for (const line of (await redis.client.info('commandstats')).split('\n')) {
    const match = /^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/.exec(line);
    if (match && match[1] !== 'info' && match[1] !== 'config')
      console.log(`| ${match[1]} | ${match[2]} | ${match[3]} |`);
  }
  for (const stream of streams) stream.close();
} finally {
  agent.destroy();
  await server.stop();
  await redis.stop();
}
