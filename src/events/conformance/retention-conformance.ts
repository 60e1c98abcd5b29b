import { settleWithin } from '../settle-within.js';
import { readCursor } from '../read-cursor.js';
import {
  appendAccepted,
  createRequest,
  openLog,
  outputEvent,
  resultEvent,
  type MakeEventLog,
} from './conformance-fixtures.js';
import { eventually, type ConformanceHarness } from './conformance-harness.js';

const RETENTION_MS = 100;
/** Retention plus a backend's sweep period (the memory backend sweeps once a second). */
const EXPIRY_DEADLINE_MS = 2_500;

export function describeRetentionConformance(
  harness: ConformanceHarness,
  makeLog: MakeEventLog,
): void {
  const { describe, it, expect } = harness;
  describe('retention', () => {
    it('expires an ended request after retentionMs, and never a live one', async () => {
      await using opened = await openLog(makeLog, { retentionMs: RETENTION_MS });
      const { log } = opened;
      const live = await createRequest(log);
      const ended = await createRequest(log);
      await appendAccepted(log, live, [outputEvent('still running')]);
      await appendAccepted(log, ended, [outputEvent('a'), resultEvent('done')]);
      expect(await log.lookup(ended)).toMatchObject({ state: 'ended', lastSeq: 2 });

      await eventually(
        async () => expect(await log.lookup(ended)).toMatchObject({ state: 'expired' }),
        EXPIRY_DEADLINE_MS,
      );
      expect(await log.read(ended, 0, 10)).toBeUndefined();
      const signal = AbortSignal.timeout(EXPIRY_DEADLINE_MS);
      expect(await settleWithin(log.waitForEvents(ended, 0, signal), 1_000)).toBe(true);
      const batches = [];
      for await (const batch of readCursor(log, ended, { afterSeq: 0, signal })) {
        batches.push(batch);
      }
      expect(batches).toEqual([]);

      expect(await log.lookup(live)).toMatchObject({ state: 'live', lastSeq: 1 });
      expect(await log.read(live, 0, 10)).toMatchObject({ events: [{ seq: 1 }], ended: false });
    });
  });
}
