/**
 * Aborts a connection that has sent nothing for `timeoutMs` (0: never): `reset()` on every
 * chunk, `stop()` when done.
 *
 * @example
 * const watchdog = new IdleWatchdog(60_000, connection);
 */
export class IdleWatchdog {
  #timer: ReturnType<typeof setTimeout> | undefined;
  fired = false;

  constructor(
    private readonly timeoutMs: number,
    private readonly connection: AbortController,
  ) {
    this.reset();
  }

  readonly reset = (): void => {
    if (this.timeoutMs <= 0) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.fired = true;
      this.connection.abort();
    }, this.timeoutMs);
  };

  stop(): void {
    clearTimeout(this.#timer);
  }

  /** Waits without counting the wait as silence: the reader, not the server, is slow. */
  async pausedWhile(wait: Promise<void>): Promise<void> {
    this.stop();
    await wait;
    this.reset();
  }
}
