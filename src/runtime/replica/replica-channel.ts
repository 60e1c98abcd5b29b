import { Socket } from 'node:net';
import { TickBatcher, unpackBatch, type LinkBatch } from './link-batch.js';
import { frameOf, REPLICA_LINK_FD } from './link-frames.js';
import type { ParentMessage, ReplicaMessage } from './replica-protocol.js';

/** A replica process's side of its link to the parent. */
export interface ReplicaChannel {
  readonly send: (message: ReplicaMessage) => void;
  /** Calls `listener` for every message from the parent. */
  readonly onMessage: (listener: (message: ParentMessage) => void) => void;
  /**
   * Calls `listener` for a message that held a value structured clone cannot copy: it was
   * not sent. Without a listener, such a message ends the process, as any uncaught error.
   */
  readonly onUnsendable?: (listener: (message: ReplicaMessage, error: Error) => void) => void;
  /** Sends what is queued and closes the way out; resolves once all of it is written. */
  readonly close: () => Promise<void>;
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

/** Writes a batch as one frame; a frame's buffers go out together, in one `writev`. */
function writeFrame(pipe: Socket, batch: LinkBatch): void {
  const buffers = frameOf(batch); // before the cork: it throws for a value it cannot clone
  pipe.cork();
  for (const buffer of buffers) pipe.write(buffer);
  pipe.uncork();
}

/**
 * The current process's link to the parent that forked it: what the parent sends comes
 * over the IPC channel; what this process sends goes as frames on its own pipe (see
 * `link-frames.ts`), what is sent in one event-loop turn as one frame. The pipe does not
 * keep the process alive (the IPC channel does): a process that ends on its own closes the
 * channel first, so that what it sent last is written whole.
 *
 * @example
 * const channel = processChannel();
 * channel.send({ kind: 'ready' });
 */
export function processChannel(): ReplicaChannel {
  if (!process.send) throw new Error('A replica process needs an IPC channel to its parent');
  const pipe = new Socket({ fd: REPLICA_LINK_FD, readable: false, writable: true });
  pipe.on('error', () => undefined); // the parent is gone: the IPC channel's disconnect ends this process
  pipe.unref();
  let unsendable: ((message: ReplicaMessage, error: Error) => void) | undefined;
  const link = new TickBatcher(
    (batch) => writeFrame(pipe, batch),
    (message, error) => {
      if (!unsendable) throw error;
      unsendable(message as ReplicaMessage, error);
    },
  );
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
    onUnsendable: (listener) => {
      unsendable = listener;
    },
    close: () => {
      link.flush();
      return new Promise((resolve) => pipe.end(resolve));
    },
  };
}
