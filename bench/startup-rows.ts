import { median } from './statistics.js';

/** One start, timed. */
export interface StartSample {
  /** Wall time of the figure (import, fork to ready, spawn to first request). */
  readonly ms: number;
  /** CPU time the started process used, where known. */
  readonly cpuMs?: number;
}

/** Something to start over and over: a baseline or a sluice start. */
export interface StartCandidate {
  readonly label: string;
  /** The target for the median, if this candidate has one. */
  readonly targetMs?: number;
  readonly measure: () => Promise<StartSample>;
}

/** The samples of one candidate over all rounds. */
export interface StartupRow {
  readonly label: string;
  readonly targetMs: number | undefined;
  readonly samples: number[];
  readonly cpuSamples: number[];
}

/**
 * Measures every candidate once per round, rotating which goes first, so a noisy spell
 * on the machine falls on all of them alike.
 *
 * @example
 * const rows = await measureRounds([zodImport, sluiceImport], 7);
 */
export async function measureRounds(
  candidates: readonly StartCandidate[],
  rounds: number,
): Promise<StartupRow[]> {
  const rows = candidates.map((candidate) => ({
    label: candidate.label,
    targetMs: candidate.targetMs,
    samples: [] as number[],
    cpuSamples: [] as number[],
  }));
  for (let round = 0; round < rounds; round++) {
    for (let step = 0; step < candidates.length; step++) {
      const index = (step + round) % candidates.length;
      const sample = await candidates[index]!.measure();
      rows[index]!.samples.push(sample.ms);
      if (sample.cpuMs !== undefined) rows[index]!.cpuSamples.push(sample.cpuMs);
    }
  }
  return rows;
}

/**
 * The median of a row's wall times.
 *
 * @example
 * medianOf(row); // 412.5
 */
export function medianOf(row: StartupRow): number {
  return median(row.samples);
}
