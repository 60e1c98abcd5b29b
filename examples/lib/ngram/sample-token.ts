import type { SeededRandom } from '../seeded-random.js';
import type { TokenWeights } from './ngram-model.js';

/** Below this temperature sampling is greedy: always the likeliest token. */
const GREEDY_BELOW = 1e-3;

function likeliest(weights: TokenWeights): string {
  let best = '';
  let bestWeight = -Infinity;
  for (const [token, weight] of weights) {
    if (weight > bestWeight) [best, bestWeight] = [token, weight];
  }
  return best;
}

/**
 * Draws a token from `weights` sharpened (temperature < 1) or flattened (> 1) by
 * `temperature`; 0 picks the likeliest token (the first seen, on a tie).
 *
 * @example
 * sampleToken(new Map([['river', 3], ['sea', 1]]), 0.8, new SeededRandom(1));
 */
export function sampleToken(
  weights: TokenWeights,
  temperature: number,
  random: SeededRandom,
): string {
  if (temperature < GREEDY_BELOW) return likeliest(weights);
  const tempered = [...weights].map(
    ([token, weight]) => [token, weight ** (1 / temperature)] as const,
  );
  const total = tempered.reduce((sum, [, weight]) => sum + weight, 0);
  let remaining = random.next() * total;
  for (const [token, weight] of tempered) {
    remaining -= weight;
    if (remaining < 0) return token;
  }
  return tempered.at(-1)?.[0] ?? '';
}
