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
 * connection. Resolves with the line to print last: `cancelled …`, or why the cancel failed.
 *
 * @example
 * process.stderr.write(await cancelOnServer({ client, appId: 'demo/text', requestId }));
 */
export async function cancelOnServer({ client, appId, requestId }: CancelTarget): Promise<string> {
  if (requestId === undefined) return 'sluice call: cancelled before the server answered\n';
  try {
    await client.cancel(appId, requestId, { signal: AbortSignal.timeout(CANCEL_TIMEOUT_MS) });
    return `sluice call: cancelled (request ${requestId} cancelled on the server)\n`;
  } catch (error) {
    const code = (error as SluiceError).code ?? 'internal';
    return `sluice call: cancelled here; the cancel of request ${requestId} failed on the server (${code}), which cancels it once this client has been gone for its disconnect grace\n`;
  }
}
