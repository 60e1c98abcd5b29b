/**
 * A short duration with sub-second precision, for timings such as the time to the first
 * event: `85 ms`, `4.2 s`, then `formatDuration`'s `1:05` style from a minute on.
 *
 * @example
 * formatTiming(4250); // '4.3 s'
 */
export function formatTiming(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}
