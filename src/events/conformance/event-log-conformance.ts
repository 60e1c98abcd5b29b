import { describeAppendConformance } from './append-conformance.js';
import { describeCapsConformance } from './caps-conformance.js';
import type { MakeEventLog } from './conformance-fixtures.js';
import { describeCursorConformance } from './cursor-conformance.js';
import { describeLookupConformance } from './lookup-conformance.js';
import { describeReadConformance } from './read-conformance.js';
import { describeRetentionConformance } from './retention-conformance.js';
import { describeSupersessionConformance } from './supersession-conformance.js';
import { describeWaitingConformance } from './waiting-conformance.js';
import type { ConformanceHarness } from './conformance-harness.js';

export type { MakeEventLog } from './conformance-fixtures.js';

/**
 * Registers the conformance suite of the `EventLog` port: every backend runs it, with the
 * test runner passed in as `harness`. It uses the port's documented semantics only, a fresh
 * log per test (`makeLog`, released with `cleanup`, which must also work after `close`) and
 * a fresh request id per request.
 *
 * @example
 * import { describe, expect, it } from 'vitest';
 * import { describeEventLogConformance } from 'sluice/protocol';
 *
 * describeEventLogConformance({ describe, it, expect }, 'my backend', async (limits) => {
 *   const log = await MyEventLog.open(limits);
 *   return { log, cleanup: () => log.close() };
 * });
 */
export function describeEventLogConformance(
  harness: ConformanceHarness,
  name: string,
  makeLog: MakeEventLog,
): void {
  harness.describe(`EventLog conformance: ${name}`, () => {
    describeLookupConformance(harness, makeLog);
    describeAppendConformance(harness, makeLog);
    describeReadConformance(harness, makeLog);
    describeSupersessionConformance(harness, makeLog);
    describeCapsConformance(harness, makeLog);
    describeCursorConformance(harness, makeLog);
    describeWaitingConformance(harness, makeLog);
    describeRetentionConformance(harness, makeLog);
  });
}
