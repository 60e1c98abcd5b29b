/** Event JSON sent to the parent and not yet acknowledged, past which new runs wait to start. */
export const LINK_WINDOW_CHARS = 256 * 1024;

/** Runs started in one event-loop turn at most: a run's first events are counted only once sent. */
export const STARTS_PER_TURN = 16;

const ALREADY_STARTED = (): void => undefined;

/**
 * Holds back the start of new runs while the link to the parent is full, so a replica does
 * not run ahead of the gateway that writes its events out. Every run's events are stamped
 * as it emits them; a replica that started a thousand runs at once would stamp their
 * events seconds before the gateway could send them, where runs started as the link drains
 * stamp them just before. Runs already started are never held back, and runs start in the
 * order they were admitted.
 *
 * A run's events count from when they are sent until the parent acknowledges them. A
 * run just started has sent nothing yet, so at most {@link STARTS_PER_TURN} runs start per
 * event-loop turn; the next turn sees what they sent.
 *
 * @example
 * const window = new LinkWindow();
 * const startNow = window.admit(() => void run(order)); // startNow() for a cancelled run
 * window.sent(chars);         // an append went out
 * window.acknowledged(chars); // and was acknowledged
 */
export class LinkWindow {
  private unacknowledgedChars = 0;
  private startedThisTurn = 0;
  private readonly waiting = new Set<() => void>();
  private turnScheduled = false;

  constructor(private readonly limitChars = LINK_WINDOW_CHARS) {}

  /** Runs waiting to start. */
  get waitingCount(): number {
    return this.waiting.size;
  }

  /**
   * Calls `start` now if the link has room and nothing waits before it, else once it has.
   * Returns a function that starts it at once if it is still waiting (a cancelled run ends
   * without waiting for room it will not use).
   */
  admit(start: () => void): () => void {
    if (this.waiting.size === 0 && this.hasRoom()) {
      this.begin(start);
      return ALREADY_STARTED;
    }
    this.waiting.add(start);
    this.scheduleTurn();
    return () => {
      if (this.waiting.delete(start)) start();
    };
  }

  /** An append of `chars` of event JSON went to the parent. */
  sent(chars: number): void {
    this.unacknowledgedChars += chars;
  }

  /** The parent acknowledged an append of `chars`. */
  acknowledged(chars: number): void {
    this.unacknowledgedChars -= chars;
    if (this.waiting.size > 0) this.scheduleTurn();
  }

  private hasRoom(): boolean {
    return this.unacknowledgedChars < this.limitChars && this.startedThisTurn < STARTS_PER_TURN;
  }

  private begin(start: () => void): void {
    this.startedThisTurn++;
    this.scheduleTurn();
    start();
  }

  /** At the turn's end: a new turn's count, and the waiting runs that now have room. */
  private scheduleTurn(): void {
    if (this.turnScheduled) return;
    this.turnScheduled = true;
    setImmediate(this.nextTurn);
  }

  private readonly nextTurn = (): void => {
    this.turnScheduled = false;
    this.startedThisTurn = 0;
    for (const start of this.waiting) {
      if (!this.hasRoom()) return;
      this.waiting.delete(start);
      this.begin(start);
    }
  };
}
