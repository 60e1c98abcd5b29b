/** What {@link InputGate.offer} decided for an input. */
export interface GateDecision<Input> {
  /** Start this input now (the one offered), or nothing: it waits. */
  readonly start: Input | undefined;
}

/**
 * The flow control of one realtime connection, pure: at most `maxInFlight` inputs run at
 * once; the others wait in a buffer of `bufferSize` that drops its *oldest* input when a
 * new one arrives full, since an interactive user wants their latest input, not a backlog.
 * Dropped inputs are counted until {@link takeDropped} reports them.
 *
 * @example
 * const gate = new InputGate<string>({ maxInFlight: 1, bufferSize: 1 });
 * gate.offer('a').start; // 'a'
 * gate.offer('b').start; // undefined: 'b' waits
 * gate.offer('c');       // 'b' is dropped
 * gate.finish();         // 'c': start it
 * gate.takeDropped();    // 1
 */
export class InputGate<Input> {
  private running = 0;
  private readonly waiting: Input[] = [];
  private dropped = 0;
  private readonly maxInFlight: number;
  private readonly bufferSize: number;

  constructor(options: { readonly maxInFlight: number; readonly bufferSize: number }) {
    this.maxInFlight = options.maxInFlight;
    this.bufferSize = options.bufferSize;
  }

  /** Inputs running now. */
  get inFlight(): number {
    return this.running;
  }

  /** Whether nothing runs and nothing waits. */
  get idle(): boolean {
    return this.running === 0 && this.waiting.length === 0;
  }

  /** Takes an input: it starts now, waits, or (with no buffer) is dropped at once. */
  offer(input: Input): GateDecision<Input> {
    if (this.running < this.maxInFlight) {
      this.running++;
      return { start: input };
    }
    this.waiting.push(input);
    while (this.waiting.length > this.bufferSize) {
      this.waiting.shift();
      this.dropped++;
    }
    return { start: undefined };
  }

  /** A running input ended: the next waiting input to start, if any. */
  finish(): Input | undefined {
    const next = this.waiting.shift();
    if (next === undefined) this.running = Math.max(0, this.running - 1);
    return next;
  }

  /** Dropped inputs since the last call, and resets the count. */
  takeDropped(): number {
    const dropped = this.dropped;
    this.dropped = 0;
    return dropped;
  }

  /** Forgets every waiting input (the connection closed); returns how many. */
  clear(): number {
    const cleared = this.waiting.length;
    this.waiting.length = 0;
    return cleared;
  }
}
