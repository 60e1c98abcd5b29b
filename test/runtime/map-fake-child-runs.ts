import type { LoggedEvent } from '../../src/events/event-types.js';
import type { ChildRuns, ChildTarget } from '../../src/runtime/child-runs.js';

/** `ctx.map` never streams a child: a fake asked to fails the test loudly. */
function notStreamed(): AsyncIterable<readonly LoggedEvent[]> {
  throw new Error('ctx.map asked a child to stream');
}

/** One child the fake was asked to run, settled by the test. */
export interface FakeChild {
  readonly target: ChildTarget;
  readonly input: unknown;
  readonly signal: AbortSignal;
  readonly resolve: (output: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * A {@link ChildRuns} whose children wait for the test to settle them (this is the unit under
 * test's collaborator, not an I/O path). A child whose signal aborts rejects with its reason.
 */
export function fakeChildRuns(): { childRuns: ChildRuns; children: FakeChild[] } {
  const children: FakeChild[] = [];
  const childRuns: ChildRuns = {
    run: (target, input, signal) =>
      new Promise((resolve, reject) => {
        signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
        children.push({ target, input, signal, resolve, reject });
      }),
    stream: notStreamed,
  };
  return { childRuns, children };
}

/** A {@link ChildRuns} that answers every input with `answer(input)` on a later turn. */
export function answeringChildRuns(answer: (input: unknown) => unknown): ChildRuns {
  return {
    run: async (_target, input) => {
      await new Promise((resolve) => setImmediate(resolve));
      return answer(input);
    },
    stream: notStreamed,
  };
}

/** Lets queued callbacks run: `count` turns of the event loop. */
export async function turns(count = 5): Promise<void> {
  for (let turn = 0; turn < count; turn++) await new Promise((resolve) => setImmediate(resolve));
}
