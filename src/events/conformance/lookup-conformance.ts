import { randomUUID } from 'node:crypto';
import {
  appendAccepted,
  createRequest,
  errorEvent,
  newRecord,
  openLog,
  outputEvent,
  readAll,
  resultEvent,
  type MakeEventLog,
} from './conformance-fixtures.js';
import type { ConformanceHarness } from './conformance-harness.js';

export function describeLookupConformance(
  harness: ConformanceHarness,
  makeLog: MakeEventLog,
): void {
  const { describe, it, expect } = harness;
  describe('create and lookup', () => {
    it('answers unknown for an id it never saw', async () => {
      await using opened = await openLog(makeLog);
      expect(await opened.log.lookup(randomUUID())).toEqual({ state: 'unknown' });
    });

    it('answers live with the record and lastSeq 0 for a new request', async () => {
      await using opened = await openLog(makeLog);
      const record = { ...newRecord(), endpoint: '/img2img', owner: 'key-fingerprint' };
      await opened.log.create(record);
      expect(await opened.log.lookup(record.requestId)).toEqual({
        state: 'live',
        record,
        lastSeq: 0,
      });
    });

    it('follows lastSeq while the request is live', async () => {
      await using opened = await openLog(makeLog);
      const requestId = await createRequest(opened.log);
      await appendAccepted(opened.log, requestId, [outputEvent(1), outputEvent(2)]);
      await appendAccepted(opened.log, requestId, [outputEvent(3)]);
      expect(await opened.log.lookup(requestId)).toMatchObject({ state: 'live', lastSeq: 3 });
    });

    it('answers ended after a result event', async () => {
      await using opened = await openLog(makeLog);
      const record = newRecord();
      await opened.log.create(record);
      await appendAccepted(opened.log, record.requestId, [outputEvent(1), resultEvent('done')]);
      expect(await opened.log.lookup(record.requestId)).toEqual({
        state: 'ended',
        record,
        lastSeq: 2,
      });
    });

    it('answers ended after an error event', async () => {
      await using opened = await openLog(makeLog);
      const requestId = await createRequest(opened.log);
      await appendAccepted(opened.log, requestId, [errorEvent('app_error')]);
      expect(await opened.log.lookup(requestId)).toMatchObject({ state: 'ended', lastSeq: 1 });
    });

    it('keeps the logs of different requests apart', async () => {
      await using opened = await openLog(makeLog);
      const first = await createRequest(opened.log);
      const second = await createRequest(opened.log);
      await appendAccepted(opened.log, first, [outputEvent('a'), resultEvent('a')]);
      await appendAccepted(opened.log, second, [outputEvent('b')]);
      expect(await opened.log.lookup(first)).toMatchObject({ state: 'ended', lastSeq: 2 });
      expect(await opened.log.lookup(second)).toMatchObject({ state: 'live', lastSeq: 1 });
      expect(await readAll(opened.log, second)).toEqual([{ seq: 1, ...outputEvent('b') }]);
    });
  });
}
