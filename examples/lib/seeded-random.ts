import { randomInt } from 'node:crypto';
import { z } from 'zod';

/** The largest seed plus one: seeds are unsigned 32-bit integers. */
export const SEED_LIMIT = 2 ** 32;

/**
 * A seeded pseudo-random generator (mulberry32). Integer arithmetic only, so the same seed
 * gives the same sequence on every platform.
 *
 * @example
 * const random = new SeededRandom(42);
 * random.next(); // a float in [0, 1), the same on every run
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let mixed = Math.imul(this.state ^ (this.state >>> 15), this.state | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / SEED_LIMIT;
  }
}

/**
 * A fresh seed for a run that was not given one; return it so the run can be repeated.
 *
 * @example
 * const seed = input.seed ?? pickSeed();
 */
export function pickSeed(): number {
  return randomInt(0, SEED_LIMIT);
}

/**
 * The optional `seed` input field of an app whose output a seed makes repeatable.
 *
 * @example
 * input: z.object({ steps: z.number(), seed: seedField('image') })
 */
export function seedField(output: string) {
  return z
    .number()
    .int()
    .min(0)
    .max(SEED_LIMIT - 1)
    .optional()
    .describe(`Same seed, same ${output}; one is picked (and returned) when absent`);
}
