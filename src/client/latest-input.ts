/**
 * Latest-input-wins pacing: at most one input per `intervalMs` goes out; inputs that
 * arrive in between replace each other, and the newest goes out when the interval ends.
 *
 * @example
 * const pacer = new LatestInput<number>(100, (input) => socket.send(String(input)));
 * pacer.offer(1); // sent now
 * pacer.offer(2); pacer.offer(3); // 3 is sent 100 ms after 1; 2 never
 */
export class LatestInput<Input> {
  private waiting: { readonly input: Input } | undefined;
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly deliver: (input: Input) => boolean,
  ) {}

  /** Takes an input: sends it now if it may, else keeps it as the one to send next. */
  offer(input: Input): void {
    this.waiting = { input };
    this.flush();
  }

  /** Whether an input waits to be sent. */
  get pending(): boolean {
    return this.waiting !== undefined;
  }

  /** Takes an input only if none waits (a resend must not replace a newer input). */
  offerIfEmpty(input: Input): void {
    if (!this.waiting) this.offer(input);
  }

  /** Sends the waiting input if the interval allows and `deliver` takes it (the socket is open). */
  flush(): void {
    if (!this.waiting || this.timer !== undefined) return;
    const wait = this.lastSentAt + this.intervalMs - Date.now();
    if (wait > 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.flush();
      }, wait);
      return;
    }
    if (!this.deliver(this.waiting.input)) return; // kept until the socket opens
    this.waiting = undefined;
    this.lastSentAt = Date.now();
  }

  /** Forgets the waiting input and stops the timer. */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.waiting = undefined;
  }
}
