/** Options of {@link createThrottle}; give either or both. */
export interface ThrottleOptions {
  /** Pass every k-th step (steps counted from 1). */
  readonly everySteps?: number;
  /** Pass only when at least this many milliseconds have gone by since the last pass. */
  readonly minIntervalMs?: number;
  /** The clock, for tests. */
  readonly now?: () => number;
}

/** Answers whether this step should emit; the final step (`step === total`) always passes. */
export type Throttle = (step: number, total?: number) => boolean;

/**
 * A throttle for previews and progress: every k steps, at least n ms apart, or both (then
 * a step must satisfy both). The last step always passes, so the final state is shown.
 *
 * @example
 * const shouldPreview = createThrottle({ everySteps: 4, minIntervalMs: 250 });
 * for (let step = 1; step <= steps; step++) {
 *   render(step);
 *   if (shouldPreview(step, steps)) void ctx.preview(pixels);
 * }
 */
export function createThrottle(options: ThrottleOptions): Throttle {
  const everySteps = options.everySteps ?? 1;
  const minIntervalMs = options.minIntervalMs ?? 0;
  const now = options.now ?? (() => performance.now());
  if (!Number.isInteger(everySteps) || everySteps < 1) {
    throw new TypeError('everySteps must be a positive integer');
  }
  if (!(minIntervalMs >= 0)) throw new TypeError('minIntervalMs must be zero or more');
  let lastPass = -Infinity;
  return (step, total) => {
    const isFinal = total !== undefined && step >= total;
    const time = now();
    const due = step % everySteps === 0 && time - lastPass >= minIntervalMs;
    if (!isFinal && !due) return false;
    lastPass = time;
    return true;
  };
}
