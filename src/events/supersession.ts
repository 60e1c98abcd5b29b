import { isSupersedable, type LoggedEvent, type SupersedableEventType } from './event-types.js';

/** The seq of the latest event of each supersedable type (0 when there is none). */
export type LatestSeqs = Record<SupersedableEventType, number>;

/** A fresh {@link LatestSeqs}. */
export function noLatestSeqs(): LatestSeqs {
  return { progress: 0, preview: 0 };
}

/**
 * Whether a later event of the same type supersedes this one (latest wins).
 *
 * @example
 * isSuperseded({ seq: 3, type: 'progress', json: '{}' }, { progress: 7, preview: 0 }); // true
 */
export function isSuperseded(event: LoggedEvent, latest: LatestSeqs): boolean {
  return isSupersedable(event.type) && event.seq < latest[event.type];
}
