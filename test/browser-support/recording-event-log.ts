import type { AppendResult, EventLog } from '../../src/events/event-log.js';
import type { LoggedEvent, NewEvent } from '../../src/events/event-types.js';
import { MemoryEventLog } from '../../src/events/memory-event-log.js';

/** An event log that also keeps every event it accepted, numbered, for a test to compare with. */
export interface RecordingEventLog extends EventLog {
  /** Every accepted event of a request, in order, including those later superseded. */
  readonly appended: (requestId: string) => readonly LoggedEvent[];
}

/**
 * The memory event log, recording each accepted append: what the server wrote, before any
 * cursor skipped a superseded progress or preview.
 *
 * @example
 * const eventLog = recordingEventLog();
 * await using gateway = await startGateway({ apps, eventLog });
 * eventLog.appended(requestId); // every event, numbered
 */
export function recordingEventLog(): RecordingEventLog {
  const log = new MemoryEventLog();
  const record = new Map<string, LoggedEvent[]>();
  const append = async (requestId: string, events: readonly NewEvent[]): Promise<AppendResult> => {
    const result = await log.append(requestId, events);
    if (result.accepted) {
      const first = result.lastSeq - events.length + 1;
      const numbered = events.map((event, index) => ({ ...event, seq: first + index }));
      record.set(requestId, [...(record.get(requestId) ?? []), ...numbered]);
    }
    return result;
  };
  return {
    limits: log.limits,
    create: (request) => log.create(request),
    lookup: (requestId) => log.lookup(requestId),
    append,
    read: (requestId, afterSeq, maxEvents) => log.read(requestId, afterSeq, maxEvents),
    waitForEvents: (requestId, afterSeq, signal) => log.waitForEvents(requestId, afterSeq, signal),
    close: () => log.close(),
    appended: (requestId) => record.get(requestId) ?? [],
  };
}
