import type { ParentMessage, ReplicaMessage } from './replica-protocol.js';

/** A replica process's side of its IPC channel. */
export interface ReplicaChannel {
  readonly send: (message: ReplicaMessage) => void;
  /** Calls `listener` for every message from the parent. */
  readonly onMessage: (listener: (message: ParentMessage) => void) => void;
}

/**
 * The IPC channel of the current process, which the parent forked with an IPC pipe.
 *
 * @example
 * const channel = processChannel();
 * channel.send({ kind: 'ready' });
 */
export function processChannel(): ReplicaChannel {
  const send = process.send?.bind(process);
  if (!send) throw new Error('A replica process needs an IPC channel to its parent');
  return {
    send: (message) => void send(message),
    onMessage: (listener) => {
      process.on('message', (message) => listener(message as ParentMessage));
    },
  };
}
