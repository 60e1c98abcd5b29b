import type { SluiceClient, SluiceError } from '../client/index.js';

const CANCEL_TIMEOUT_MS = 5_000;

/** The request Ctrl-C cancels. */
export interface CancelTarget {
  readonly client: SluiceClient;
  readonly appId: string;
  /** `undefined` before the response head: then leaving is all a client can do. */
  readonly requestId: string | undefined;
}

/**
 * Ctrl-C in `sluice call`: cancels the run on the server (`PUT …/cancel`), not just this
 * connection, and says on stderr what happened.
 *
 * @example
 * await cancelOnServer({ client, appId: 'demo/text', requestId: stream.requestId });
 */
export async function cancelOnServer({ client, appId, requestId }: CancelTarget): Promise<void> {
  if (requestId === undefined) return;
  try {
    await client.cancel(appId, requestId, { signal: AbortSignal.timeout(CANCEL_TIMEOUT_MS) });
    process.stderr.write(`sluice call: cancelled request ${requestId}\n`);
  } catch (error) {
    const code = (error as SluiceError).code ?? 'internal';
    process.stderr.write(
      `sluice call: the cancel of request ${requestId} failed (${code}); the server cancels it once this client has been gone for its disconnect grace\n`,
    );
  }
}
