import { createBenchAgent } from './client.js';
import type { ProcessIds } from './redis-process-cpu.js';
import type { MeasureContext, Metrics } from './scenarios/scenario.js';
import type { ServerHandle } from './server-process.js';

/** The three servers of the Redis benchmark, all running for the whole run. */
export interface Modes {
  /** The minimal `node:http` SSE server. */
  readonly baseline: ServerHandle;
  /** `createGateway({ apps: [firehose] })`: memory log and queue, inline runs. */
  readonly memory: ServerHandle;
  /** `sluice serve --redis` and `sluice worker bench/firehose-app.ts --redis`. */
  readonly redis: ServerHandle;
}

/** Which server a figure comes from. */
export type Mode = keyof Modes;

/** The processes that make up each server, for CPU accounting. */
export type ModeProcesses = Readonly<Record<Mode, ProcessIds>>;

/** The servers and their processes. */
export interface BenchServers {
  readonly servers: Modes;
  readonly processes: ModeProcesses;
}

/** Every repetition's metrics, per server measured. */
export type ModeSamples = Partial<Record<Mode, Metrics[]>>;

/** How to repeat one measurement over the servers. */
export interface Repetition {
  readonly name: string;
  readonly repetitions: number;
  readonly modes: readonly Mode[];
  /** Measures once on the server of `mode`. */
  measure(context: MeasureContext, mode: Mode): Promise<Metrics>;
}

/**
 * Runs a measurement `repetitions` times on each of its servers, rotating which server goes
 * first, each time with a fresh keep-alive agent; logs every figure as it comes.
 *
 * @example
 * const samples = await repeatOverModes(bench, { name: '(a)', repetitions: 3, modes: ['memory', 'redis'], measure });
 */
export async function repeatOverModes(
  bench: BenchServers,
  repetition: Repetition,
  log: (line: string) => void,
): Promise<ModeSamples> {
  const samples: ModeSamples = {};
  for (let round = 0; round < repetition.repetitions; round++) {
    const order = repetition.modes.map(
      (_, index) => repetition.modes[(index + round) % repetition.modes.length]!,
    );
    for (const mode of order) {
      const agent = createBenchAgent();
      try {
        const context = { server: bench.servers[mode], agent };
        const metrics = await repetition.measure(context, mode);
        (samples[mode] ??= []).push(metrics);
        log(`  ${repetition.name} #${round + 1} ${mode}: ${JSON.stringify(metrics)}`);
      } finally {
        agent.destroy();
      }
    }
  }
  return samples;
}
