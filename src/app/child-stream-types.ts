import type { StreamEvent } from '../events/event-types.js';

/**
 * One event of a child run read through `ctx.stream`: its progress, previews, outputs and
 * logs, with `id` the child's own event number. The child's end is not among them: its
 * output is the stream's `result`, its failure the error the iteration throws.
 *
 * @example
 * function describe(event: ChildEvent): string {
 *   return event.type === 'progress' ? `${event.data.step}/${event.data.total}` : event.type;
 * }
 */
export type ChildEvent = Exclude<StreamEvent, { readonly type: 'result' | 'error' }>;

/** The kinds of {@link ChildEvent}: what `ctx.stream` can pass through as the parent's own. */
export type ChildEventType = ChildEvent['type'];

/** Options of `ctx.stream`. */
export interface ChildStreamOptions {
  /**
   * The child's events of these kinds are emitted as the parent's own as they are read
   * (the same payload, not encoded again): `['progress', 'preview']` streams a child's
   * previews through to the parent's clients. Default: none.
   */
  readonly forward?: readonly ChildEventType[];
}

/**
 * A child run started by `ctx.stream`: iterate it for the child's events in order, then
 * `await result` for its output. A child that fails makes the iteration throw (and `result`
 * reject) with a `SluiceError` carrying the child's code, which the parent may catch.
 * Awaiting `result` without iterating reads the events for you (forwarding those asked
 * for). Cancelling the parent cancels the child, and so does leaving the loop early: a
 * stream is read once. A parent that reads slowly skips superseded progress and previews,
 * as any client does; outputs and logs are never skipped.
 *
 * @example
 * run: async ({ prompt }, ctx) => {
 *   const child = ctx.stream<{ image: string }>('demo/diffuse', { prompt });
 *   for await (const event of child) {
 *     if (event.type === 'progress') ctx.progress(event.data.step, event.data.total);
 *   }
 *   return await child.result;
 * }
 */
export interface ChildStream<Output = unknown> extends AsyncIterable<ChildEvent> {
  /** The child's output once it has ended; rejects with the child's error. */
  readonly result: Promise<Output>;
}
