/**
 * The longest gap between ticks of a 5 ms interval while `work` runs: how long the event
 * loop was blocked.
 *
 * @example
 * const blockedMs = await longestEventLoopStall(() => render());
 */
export async function longestEventLoopStall(work: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 5);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return longest;
}
