/**
 * Paired rounds: workloads measured side by side, round by round in a rotated order, each
 * charged with its server's CPU time, so that a ratio taken within a round cancels most of
 * a shared machine's drift. Used by bench/operations.ts and bench/builds-ab.ts.
 */
import { treeCpuSeconds } from './process-tree.js';
import type { ServerHandle } from './server-process.js';
import { median } from './statistics.js';

/** What one measured round cost: wall seconds, the server's CPU seconds, and units done. */
export interface Round {
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly units: number;
}

/** A workload (answering the units it did) and the server whose CPU it is charged with. */
export interface Workload {
  readonly server: Pick<ServerHandle, 'pid'>;
  readonly work: () => Promise<number>;
}

async function measure({ server, work }: Workload): Promise<Round> {
  const cpuBefore = await treeCpuSeconds([server.pid]);
  const start = performance.now();
  const units = await work();
  const seconds = (performance.now() - start) / 1000;
  const cpuSeconds = (await treeCpuSeconds([server.pid])) - cpuBefore;
  return { seconds, cpuSeconds, units };
}

/**
 * Each workload once per round, after one warm-up, in an order rotated round by round.
 * Answers each workload's rounds, in the order of `workloads`.
 *
 * @example
 * const [native, openAi] = await pairedRounds([native, openAi], 7);
 */
export async function pairedRounds(
  workloads: readonly Workload[],
  rounds: number,
): Promise<Round[][]> {
  for (const { work } of workloads) await work();
  const measured = workloads.map((): Round[] => []);
  for (let round = 0; round < rounds; round++) {
    for (let turn = 0; turn < workloads.length; turn++) {
      const index = (round + turn) % workloads.length;
      measured[index]!.push(await measure(workloads[index]!));
    }
  }
  return measured;
}

/** The server's CPU microseconds per unit. */
export const perUnitMicroseconds = (round: Round) => (round.cpuSeconds / round.units) * 1e6;
/** Units per wall second. */
export const rate = (round: Round) => round.units / round.seconds;
/** Units per second of the server's CPU: a ratio of it is the inverse of a ratio of costs. */
export const efficiency = (round: Round) => round.units / round.cpuSeconds;

/**
 * How `of` compares with `base` round by round: `figure(of) / figure(base)`.
 *
 * @example
 * spread(ratios(openAi, native, efficiency), 2, '×');
 */
export function ratios(of: Round[], base: Round[], figure: (round: Round) => number): number[] {
  return of.map((round, index) => figure(round) / figure(base[index]!));
}

/**
 * How `of` differs from `base` round by round: `figure(of) − figure(base)`.
 *
 * @example
 * spread(differences(on, off, perUnitMicroseconds), 0, ' µs');
 */
export function differences(
  of: Round[],
  base: Round[],
  figure: (round: Round) => number,
): number[] {
  return of.map((round, index) => figure(round) - figure(base[index]!));
}

/**
 * Per-round figures as their median and their range: `0.93× (0.62×–1.33×)`.
 *
 * @example
 * spread([0.9, 1.1, 1], 2, '×'); // '1.00× (0.90×–1.10×)'
 */
export function spread(values: readonly number[], digits: number, unit = ''): string {
  const at = (value: number) => `${value.toFixed(digits)}${unit}`;
  return `${at(median(values))} (${at(Math.min(...values))}–${at(Math.max(...values))})`;
}

/**
 * A 95 % interval of the median of per-round figures, by bootstrap (2,000 resamples, a
 * fixed seed, so a run's figures give the same interval every time).
 *
 */
function medianInterval(values: readonly number[]): [number, number] {
  let seed = 0x2545f491;
  const random = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 2 ** 32;
  };
  const medians = Array.from({ length: 2_000 }, () =>
    median(Array.from(values, () => values[Math.floor(random() * values.length)]!)),
  ).sort((left, right) => left - right);
  return [medians[49]!, medians[1_949]!];
}

/**
 * The 95 % interval of the median of per-round figures, as text: `0.86×–0.99×`.
 *
 * @example
 * console.log(`| 95 % interval of the median | ${interval(perRound, 2, '×')} |`);
 */
export function interval(values: readonly number[], digits: number, unit = ''): string {
  const [low, high] = medianInterval(values);
  return `${low.toFixed(digits)}${unit}–${high.toFixed(digits)}${unit}`;
}

/** Reads a body to its end, counting `data:` lines: the same for every view. */
async function countData(response: Response): Promise<number> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let count = 0;
  let tail = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const text = tail + decoder.decode(value, { stream: true });
    const lines = text.split('\n');
    tail = lines.pop() ?? '';
    for (const line of lines) if (line.startsWith('data:')) count++;
  }
  return count;
}

/**
 * A workload of `count` streams at once, each opened by `open` and read to its end:
 * answers the `data:` lines read.
 *
 * @example
 * const work = concurrentStreams(100, () => postJson(url, { n: 2000 }));
 */
export function concurrentStreams(
  count: number,
  open: () => Promise<Response>,
): () => Promise<number> {
  return async () => {
    const counts = await Promise.all(
      Array.from({ length: count }, async () => countData(await open())),
    );
    return counts.reduce((sum, read) => sum + read, 0);
  };
}

/**
 * `POST`s a JSON body.
 *
 * @example
 * await postJson(`${url}/bench/firehose`, { n: 1 });
 */
export function postJson(url: string, body: unknown): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}
