/**
 * Milliseconds since the epoch with sub-millisecond resolution, comparable across processes
 * on one machine (up to the offset that {@link ServerHandle.clockOffset} measures).
 *
 * @example
 * const emittedAt = wallClockMs();
 */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Resolves after `milliseconds`, or at once when `signal` aborts; never rejects.
 *
 * @example
 * await pause(50, context.signal);
 */
export function pause(milliseconds: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const finish = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', finish);
      resolve();
    };
    const timer = setTimeout(finish, milliseconds);
    signal?.addEventListener('abort', finish, { once: true });
  });
}
