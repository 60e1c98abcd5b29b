/**
 * The value below which `fraction` of the samples fall (nearest rank); `NaN` when empty.
 *
 * @example
 * percentile([3, 1, 2], 0.5); // 2
 */
export function percentile(samples: readonly number[], fraction: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = Float64Array.from(samples).sort();
  const rank = Math.ceil(fraction * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

/**
 * The median (mean of the middle two for an even count); `NaN` when empty.
 *
 * @example
 * median([4, 1, 3, 2]); // 2.5
 */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = Float64Array.from(samples).sort();
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * The largest sample; `NaN` when empty.
 *
 * @example
 * maximum([1, 5, 2]); // 5
 */
export function maximum(samples: readonly number[]): number {
  let largest = Number.NaN;
  for (const sample of samples) if (!(sample <= largest)) largest = sample;
  return largest;
}
