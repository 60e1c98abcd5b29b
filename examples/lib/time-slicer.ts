/**
 * Resolves on the next turn of the event loop, after pending I/O callbacks have run.
 *
 * @example
 * await yieldToEventLoop();
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Makes a long computation share the process and stop promptly: call the returned function
 * often (every row, every token). It throws once `signal` has aborted, and yields to the
 * event loop whenever `budgetMs` of work has gone by. Inline runs share the server's process,
 * so a loop that never yields would stall every other stream.
 *
 * @example
 * const slice = createTimeSlicer(15, ctx.signal);
 * for (let row = 0; row < height; row++) {
 *   renderRow(row);
 *   await slice();
 * }
 */
export function createTimeSlicer(budgetMs: number, signal: AbortSignal): () => Promise<void> {
  let sliceStart = performance.now();
  return async () => {
    signal.throwIfAborted();
    if (performance.now() - sliceStart < budgetMs) return;
    await yieldToEventLoop();
    signal.throwIfAborted();
    sliceStart = performance.now();
  };
}
