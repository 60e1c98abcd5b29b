import type { LoggedEvent } from './event-types.js';
import type { EventLog } from './event-log.js';
import type { WaitSignal } from './wait-signal.js';

/**
 * Waits for a request's terminal event (`result` or `error`) without reading the events
 * before it: what the sync view needs. `undefined` if the request is unknown or expired, or
 * `signal` aborts first.
 *
 * @example
 * const terminal = await readTerminal(log, requestId, signal);
 */
export async function readTerminal(
  log: EventLog,
  requestId: string,
  signal: WaitSignal,
): Promise<LoggedEvent | undefined> {
  while (!signal.aborted) {
    const lookup = await log.lookup(requestId);
    if (lookup.state === 'ended') {
      const batch = await log.read(requestId, lookup.lastSeq - 1, 1);
      return batch?.events[0];
    }
    if (lookup.state !== 'live') return undefined;
    await log.waitForEvents(requestId, lookup.lastSeq, signal);
  }
  return undefined;
}

/**
 * Waits for a request's first event and reads only it: what a stream with a `prepare`
 * step needs before its first byte. `undefined` if the request is unknown or expired, or
 * `signal` aborts first.
 *
 * @example
 * const first = await readFirstEvent(log, requestId, signal);
 */
export async function readFirstEvent(
  log: EventLog,
  requestId: string,
  signal: WaitSignal,
): Promise<LoggedEvent | undefined> {
  while (!signal.aborted) {
    const lookup = await log.lookup(requestId);
    if (lookup.state !== 'live' && lookup.state !== 'ended') return undefined;
    if (lookup.lastSeq > 0) return (await log.read(requestId, 0, 1))?.events[0];
    await log.waitForEvents(requestId, 0, signal);
  }
  return undefined;
}
