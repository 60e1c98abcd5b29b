/**
 * Waits for `work` (fulfilled or rejected) at most `timeoutMs`; whether it settled in time.
 * Shutdown steps that need Redis race it: while Redis is away their commands wait forever.
 *
 * @example
 * if (!(await settleWithin(backends.close(), 2_000))) hub.disconnect();
 */
export async function settleWithin(work: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>(
    (resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)),
  );
  const settled = work.then(
    () => true,
    () => true,
  );
  try {
    return await Promise.race([settled, late]);
  } finally {
    clearTimeout(timer);
  }
}
