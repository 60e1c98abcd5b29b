/** The collective operations, as they travel between ranks. */
export type CollectiveOperation = 'barrier' | 'broadcast' | 'gather' | 'allGather' | 'allReduce';

/**
 * What one rank sends another for one collective call. `seq` numbers a rank's calls from 1,
 * so call k on one rank meets call k on the others and nothing else.
 */
export interface CollectiveMessage {
  readonly sluice: 'collective';
  readonly seq: number;
  readonly operation: CollectiveOperation;
  /** The root rank of `broadcast` and `gather`; the reduce operation of `allReduce`. */
  readonly detail?: number | string;
  /** The sender's value, as the transport cloned it (typed arrays stay typed arrays). */
  readonly value?: unknown;
  /** Sent instead of a value when the call failed at the rank that relays for the others. */
  readonly failure?: { readonly code: string; readonly message: string };
}

/**
 * Whether a transport message is a collective's (a transport may carry other traffic).
 *
 * @example
 * transport.onMessage((from, message) => { if (isCollectiveMessage(message)) deliver(from, message); });
 */
export function isCollectiveMessage(message: unknown): message is CollectiveMessage {
  if (typeof message !== 'object' || message === null) return false;
  const candidate = message as Partial<CollectiveMessage>;
  return (
    candidate.sluice === 'collective' &&
    Number.isSafeInteger(candidate.seq) &&
    typeof candidate.operation === 'string'
  );
}
