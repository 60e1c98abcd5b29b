import { describe } from 'vitest';
import { describeAppendConformance } from './conformance/append-conformance.js';
import { describeCapsConformance } from './conformance/caps-conformance.js';
import type { MakeEventLog } from './conformance/conformance-fixtures.js';
import { describeCursorConformance } from './conformance/cursor-conformance.js';
import { describeLookupConformance } from './conformance/lookup-conformance.js';
import { describeReadConformance } from './conformance/read-conformance.js';
import { describeRetentionConformance } from './conformance/retention-conformance.js';
import { describeSupersessionConformance } from './conformance/supersession-conformance.js';
import { describeWaitingConformance } from './conformance/waiting-conformance.js';

export type { MakeEventLog } from './conformance/conformance-fixtures.js';

/**
 * Registers the conformance suite of the `EventLog` port: every backend runs it. It uses
 * the port's documented semantics only, a fresh log per test (`makeLog`, released with
 * `cleanup`, which must also work after `close`) and a fresh request id per request.
 *
 * @example
 * describeEventLogConformance('memory', (limits) => {
 *   const log = new MemoryEventLog(limits);
 *   return Promise.resolve({ log, cleanup: () => log.close() });
 * });
 */
export function describeEventLogConformance(name: string, makeLog: MakeEventLog): void {
  describe(`EventLog conformance: ${name}`, () => {
    describeLookupConformance(makeLog);
    describeAppendConformance(makeLog);
    describeReadConformance(makeLog);
    describeSupersessionConformance(makeLog);
    describeCapsConformance(makeLog);
    describeCursorConformance(makeLog);
    describeWaitingConformance(makeLog);
    describeRetentionConformance(makeLog);
  });
}
