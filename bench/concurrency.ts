/**
 * Calls `task(0)` … `task(count - 1)` with at most `limit` running at once. After the first
 * failure no new task starts, and it rejects with that failure.
 *
 * @example
 * await forEachLimited(5000, 200, (index) => streams[index]!.firstByte);
 */
export async function forEachLimited(
  count: number,
  limit: number,
  task: (index: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < count && !failed) {
      try {
        await task(next++);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const outcomes = await Promise.allSettled(Array.from({ length: Math.min(limit, count) }, worker));
  const failure = outcomes.find((outcome) => outcome.status === 'rejected');
  if (failure !== undefined) throw failure.reason;
}
