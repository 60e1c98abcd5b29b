import { TickBatcher, unpackBatch } from './link-batch.js';
import type { ParentMessage, ReplicaMessage } from './replica-protocol.js';

/** A replica process's side of its IPC channel. */
export interface ReplicaChannel {
  readonly send: (message: ReplicaMessage) => void;
  /** Calls `listener` for every message from the parent. */
  readonly onMessage: (listener: (message: ParentMessage) => void) => void;
}

/**
 * Messages written at once, with whatever is queued before them: `ready` and
 * `setup-failed` because the process may exit next; `cancel-seen`, `finished` and
 * `settled` because the parent times a cancelled run's code from the first to the others,
 * and they must not wait behind the rest of a busy turn's events.
 */
const AT_ONCE = new Set<ReplicaMessage['kind']>([
  'ready',
  'setup-failed',
  'cancel-seen',
  'finished',
  'settled',
]);

/**
 * The IPC channel of the current process, which the parent forked with an IPC pipe. What
 * is sent in one event-loop turn goes as one batch (events packed as bytes, see
 * `link-batch.ts`).
 *
 * @example
 * const channel = processChannel();
 * channel.send({ kind: 'ready' });
 */
export function processChannel(): ReplicaChannel {
  const send = process.send?.bind(process);
  if (!send) throw new Error('A replica process needs an IPC channel to its parent');
  const link = new TickBatcher((batch) => void send(batch));
  return {
    send: (message) => {
      link.send(message);
      if (AT_ONCE.has(message.kind)) link.flush();
    },
    onMessage: (listener) => {
      process.on('message', (raw) => {
        for (const message of unpackBatch<ParentMessage>(raw)) listener(message);
      });
    },
  };
}
