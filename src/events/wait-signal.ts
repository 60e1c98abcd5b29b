/**
 * What a wait on the event log listens to for its end: an `AbortSignal`, or anything that
 * aborts like one (its `aborted` flag and its `abort` listeners), such as a
 * {@link LightAbortSignal}.
 */
export type WaitSignal = Pick<AbortSignal, 'aborted' | 'addEventListener' | 'removeEventListener'>;

type AbortListener = EventListenerOrEventListenerObject;

/**
 * An abort signal for the gateway's own waits, held as long as a stream is open. In
 * Node 20 every `AbortSignal` gets a hidden class of its own (it is made as an `EventTarget`
 * and then given its prototype): with its controller and one listener it takes about 1 KB
 * of heap, where this one, a flag and an array shaped alike for all, takes under 0.2 KB.
 * It aborts once; listeners (functions or `handleEvent` objects) are called in the order
 * added, each at most once, one removed meanwhile or added after the abort began never,
 * as on an `AbortSignal`. A listener that throws does not stop the others: its error is
 * thrown on the next tick, as an uncaught exception, as an `EventTarget`'s would be.
 *
 * @example
 * const left = new LightAbortSignal();
 * response.once('close', () => left.abort());
 * await readTerminal(eventLog, requestId, left);
 */
export class LightAbortSignal implements WaitSignal {
  private listeners: AbortListener[] | undefined = undefined;
  private isAborted = false;

  get aborted(): boolean {
    return this.isAborted;
  }

  addEventListener(type: string, listener: AbortListener | null): void {
    if (type !== 'abort' || listener === null || this.isAborted) return;
    // An array of one to start: a push onto an empty array reserves 17 slots.
    if (this.listeners === undefined) this.listeners = [listener];
    else if (!this.listeners.includes(listener)) this.listeners.push(listener);
  }

  removeEventListener(type: string, listener: AbortListener | null): void {
    const listeners = this.listeners;
    if (type !== 'abort' || listeners === undefined) return;
    const index = listeners.indexOf(listener as AbortListener);
    if (index >= 0) listeners.splice(index, 1);
  }

  /**
   * Aborts: calls every listener once (one that an earlier listener removed is skipped),
   * then holds none. Later calls do nothing.
   */
  abort(): void {
    if (this.isAborted) return;
    this.isAborted = true;
    const listeners = this.listeners;
    if (listeners === undefined) return;
    const event = new Event('abort');
    for (const listener of [...listeners])
      if (listeners.includes(listener)) callListener(listener, event);
    this.listeners = undefined;
  }
}

function callListener(listener: AbortListener, event: Event): void {
  try {
    if (typeof listener === 'function') listener(event);
    else listener.handleEvent(event);
  } catch (error) {
    process.nextTick(() => {
      throw error;
    });
  }
}
