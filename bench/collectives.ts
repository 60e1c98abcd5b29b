/**
 * `tsx bench/collectives.ts [--rounds 10] [--megabytes 16]`: the time and bandwidth of
 * `gather` of a 16 MB Float32Array across 4 ranks, against a plain memory copy of the same
 * buffer, measured in the same run. Two transports: rank processes behind a real gateway
 * (IPC through the parent, structured clone), and the in-memory transport (structured
 * clone within one process). Then `allReduce` of a 4 MB array over the rank processes, as
 * sluice does it (through rank 0) and as a mesh would (every rank to every rank), the
 * measurement behind the choice. Prints markdown tables.
 *
 * This module is also the benchmark's app: the rank processes import it to find it.
 */
import { availableParallelism, cpus } from 'node:os';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { RunContext } from '../src/app/app-types.js';
import { defineApp } from '../src/app/define-app.js';
import { createCollectives } from '../src/runtime/collectives/create-collectives.js';
import { createMemoryTransports } from '../src/runtime/collectives/memory-transports.js';
import type { Collectives } from '../src/runtime/collectives/collectives.js';
import { createRuntime } from '../src/runtime/create-runtime.js';
import { createGateway } from '../src/server/create-gateway.js';
import { median } from './statistics.js';

const WORLD_SIZE = 4;

/** What one bench run measures. */
type Operation = 'gather' | 'allReduce' | 'meshAllReduce';

interface Sizing {
  readonly megabytes: number;
  readonly rounds: number;
  readonly operation: Operation;
}

interface Timings {
  /** Milliseconds of each measured call, as rank 0 saw it. */
  readonly callMs: number[];
}

type BenchCollectives = Pick<
  Collectives,
  'rank' | 'gather' | 'barrier' | 'allGather' | 'allReduce'
>;

/** allReduce the other way: every rank sends its array to every rank and sums locally. */
async function meshAllReduce(collectives: BenchCollectives, buffer: Float32Array) {
  const all = await collectives.allGather(buffer);
  const sum = new Float32Array(buffer.length);
  for (const part of all)
    for (let index = 0; index < sum.length; index++) sum[index]! += part[index]!;
  return sum;
}

function call(collectives: BenchCollectives, buffer: Float32Array, operation: Operation) {
  switch (operation) {
    case 'gather':
      return collectives.gather(buffer);
    case 'allReduce':
      return collectives.allReduce(buffer, 'sum');
    case 'meshAllReduce':
      return meshAllReduce(collectives, buffer);
  }
}

/** Times `rounds` calls over one `megabytes` Float32Array per rank, after a warm-up. */
async function timeCalls(collectives: BenchCollectives, sizing: Sizing): Promise<Timings> {
  const buffer = new Float32Array((sizing.megabytes * 2 ** 20) / 4).fill(collectives.rank + 0.5);
  await call(collectives, buffer, sizing.operation);
  const callMs: number[] = [];
  for (let round = 0; round < sizing.rounds; round++) {
    await collectives.barrier();
    const started = performance.now();
    await call(collectives, buffer, sizing.operation);
    callMs.push(performance.now() - started);
  }
  return { callMs };
}

/** The benchmark's app: every rank runs the operation; rank 0 returns the timings. */
export const collectivesBenchApp = defineApp({
  id: 'bench/collectives',
  input: z.object({
    megabytes: z.number().positive(),
    rounds: z.number().int().min(1),
    operation: z.enum(['gather', 'allReduce', 'meshAllReduce']),
  }),
  isolation: 'process',
  worldSize: WORLD_SIZE,
  collectiveTimeoutMs: 120_000,
  run: (sizing, ctx: RunContext) => timeCalls(ctx, sizing),
});

async function overProcesses(runs: readonly Sizing[]): Promise<number[][]> {
  const runtime = createRuntime([{ app: collectivesBenchApp, moduleUrl: import.meta.url }]);
  const gateway = await createGateway({ apps: [collectivesBenchApp], runtime, logger: false });
  try {
    const url = await gateway.listen({ host: '127.0.0.1', port: 0 });
    const results: number[][] = [];
    for (const sizing of runs) {
      const response = await fetch(`${url}/bench/collectives`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(sizing),
      });
      if (!response.ok) throw new Error(`the bench run failed: ${await response.text()}`);
      results.push(((await response.json()) as Timings).callMs);
    }
    return results;
  } finally {
    await gateway.close();
  }
}

async function inMemory(sizing: Sizing): Promise<number[]> {
  const transports = createMemoryTransports(WORLD_SIZE);
  const ranks = transports.map((transport) => createCollectives({ transport }));
  const timings = await Promise.all(ranks.map((collectives) => timeCalls(collectives, sizing)));
  for (const collectives of ranks) collectives.close();
  return timings[0]?.callMs ?? [];
}

/** The baseline: copying the same bytes rank 0 receives, in one process, with no transport. */
function memoryCopies(sizing: Sizing): number[] {
  const buffer = new Float32Array((sizing.megabytes * 2 ** 20) / 4).fill(0.5);
  const copyMs: number[] = [];
  for (let round = 0; round <= sizing.rounds; round++) {
    const started = performance.now();
    const copies = Array.from({ length: WORLD_SIZE - 1 }, () => buffer.slice());
    if (copies.some((copy) => copy.length !== buffer.length)) throw new Error('copy lost data');
    if (round > 0) copyMs.push(performance.now() - started);
  }
  return copyMs;
}

function row(name: string, samples: readonly number[], megabytesMoved: number): string {
  const milliseconds = median(samples);
  const bandwidth = megabytesMoved / (milliseconds / 1000);
  const best = Math.min(...samples);
  return `| ${name} | ${milliseconds.toFixed(1)} | ${best.toFixed(1)} | ${bandwidth.toFixed(0)} |`;
}

function readOption(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index === -1 ? fallback : Number(process.argv[index + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} needs a positive number`);
  return value;
}

async function main(): Promise<void> {
  const megabytes = readOption('megabytes', 16);
  const rounds = readOption('rounds', 10);
  const gather: Sizing = { megabytes, rounds, operation: 'gather' };
  const reduceSize = Math.max(1, megabytes / 4);
  const reduce = (operation: Operation): Sizing => ({ megabytes: reduceSize, rounds, operation });
  const moved = megabytes * (WORLD_SIZE - 1);
  const copies = memoryCopies(gather);
  const memory = await inMemory(gather);
  const [processes = [], starReduce = [], meshReduce = []] = await overProcesses([
    gather,
    reduce('allReduce'),
    reduce('meshAllReduce'),
  ]);
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    `${WORLD_SIZE} ranks, ${rounds} rounds each (${availableParallelism()} × ${cpu}, Node ${process.version})\n`,
  );
  console.log(`gather of a ${megabytes} MB Float32Array per rank: rank 0 receives ${moved} MB\n`);
  console.log('| path | median ms | best ms | MB/s (median) |');
  console.log('| --- | --- | --- | --- |');
  console.log(row(`memory copy of the same ${moved} MB (baseline)`, copies, moved));
  console.log(row('gather, in-memory transport (structured clone)', memory, moved));
  console.log(row('gather, 4 rank processes via the gateway (IPC)', processes, moved));
  console.log(`\nallReduce (sum) of a ${reduceSize} MB Float32Array per rank, 4 rank processes\n`);
  console.log('| algorithm | median ms | best ms | MB/s of one array (median) |');
  console.log('| --- | --- | --- | --- |');
  console.log(row('through rank 0: reduce there, send back (sluice)', starReduce, reduceSize));
  console.log(row('mesh: allGather, every rank reduces', meshReduce, reduceSize));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
