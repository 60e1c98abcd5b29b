import { SeededRandom } from '../seeded-random.js';
import { createPathState, type PathState } from './path.js';
import { createHit, createRay, type Hit, type Ray } from './ray.js';

/** The reusable working memory of one tracer: nothing is allocated per sample. */
export interface TraceScratch {
  readonly ray: Ray;
  readonly hit: Hit;
  readonly path: PathState;
  /** The one random stream every sample draws from, in a fixed order. */
  readonly random: SeededRandom;
}

/**
 * Fresh working memory, its random stream seeded with `seed`.
 *
 * @example
 * const scratch = createTraceScratch(42);
 */
export function createTraceScratch(seed: number): TraceScratch {
  return {
    ray: createRay(),
    hit: createHit(),
    path: createPathState(),
    random: new SeededRandom(seed),
  };
}
