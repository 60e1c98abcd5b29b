import { settleWithin } from '../settle-within.js';
import {
  appendAccepted,
  createRequest,
  errorEvent,
  openLog,
  outputEvent,
  resultEvent,
  type MakeEventLog,
} from './conformance-fixtures.js';
import type { ConformanceHarness } from './conformance-harness.js';
import { LightAbortSignal } from '../wait-signal.js';

/** How long a wait that should stay pending is watched. */
const PENDING_MS = 30;
/** How long a wait that should resolve may take (a remote backend polls or blocks). */
const WAKE_MS = 1_000;

export function describeWaitingConformance(
  harness: ConformanceHarness,
  makeLog: MakeEventLog,
): void {
  const { describe, it, expect } = harness;
  describe('waitForEvents and close', () => {
    it('resolves at once when an event after the seq exists', async () => {
      await using opened = await openLog(makeLog);
      const requestId = await createRequest(opened.log);
      await appendAccepted(opened.log, requestId, [outputEvent(1), outputEvent(2)]);
      const signal = new AbortController().signal;
      expect(await settleWithin(opened.log.waitForEvents(requestId, 1, signal), WAKE_MS)).toBe(
        true,
      );
    });

    it('resolves when an event is appended, not before', async () => {
      await using opened = await openLog(makeLog);
      const requestId = await createRequest(opened.log);
      await appendAccepted(opened.log, requestId, [outputEvent(1)]);
      const controller = new AbortController();
      const waiting = opened.log.waitForEvents(requestId, 1, controller.signal);
      try {
        expect(await settleWithin(waiting, PENDING_MS)).toBe(false);
        await appendAccepted(opened.log, requestId, [outputEvent(2)]);
        expect(await settleWithin(waiting, WAKE_MS)).toBe(true);
      } finally {
        controller.abort();
      }
    });

    it('does not resolve for an append to another request', async () => {
      await using opened = await openLog(makeLog);
      const watched = await createRequest(opened.log);
      const other = await createRequest(opened.log);
      const controller = new AbortController();
      const waiting = opened.log.waitForEvents(watched, 0, controller.signal);
      try {
        await appendAccepted(opened.log, other, [outputEvent(1), resultEvent('done')]);
        expect(await settleWithin(waiting, PENDING_MS)).toBe(false);
      } finally {
        controller.abort();
      }
    });

    it('resolves when the terminal event is appended', async () => {
      await using opened = await openLog(makeLog);
      const requestId = await createRequest(opened.log);
      const controller = new AbortController();
      const waiting = opened.log.waitForEvents(requestId, 0, controller.signal);
      try {
        await appendAccepted(opened.log, requestId, [errorEvent('cancelled')]);
        expect(await settleWithin(waiting, WAKE_MS)).toBe(true);
      } finally {
        controller.abort();
      }
    });

    it('resolves at once on an ended log, even from its last seq', async () => {
      await using opened = await openLog(makeLog);
      const requestId = await createRequest(opened.log);
      const lastSeq = await appendAccepted(opened.log, requestId, [resultEvent('done')]);
      const signal = new AbortController().signal;
      const waiting = opened.log.waitForEvents(requestId, lastSeq, signal);
      expect(await settleWithin(waiting, WAKE_MS)).toBe(true);
    });

    it('resolves when its signal aborts, or at once if it already has', async () => {
      await using opened = await openLog(makeLog);
      const requestId = await createRequest(opened.log);
      const controller = new AbortController();
      const waiting = opened.log.waitForEvents(requestId, 0, controller.signal);
      expect(await settleWithin(waiting, PENDING_MS)).toBe(false);
      controller.abort();
      expect(await settleWithin(waiting, WAKE_MS)).toBe(true);
      const afterAbort = opened.log.waitForEvents(requestId, 0, controller.signal);
      expect(await settleWithin(afterAbort, WAKE_MS)).toBe(true);
    });

    it('resolves when a light abort signal aborts, or at once if it already has', async () => {
      await using opened = await openLog(makeLog);
      const requestId = await createRequest(opened.log);
      const signal = new LightAbortSignal();
      const waiting = opened.log.waitForEvents(requestId, 0, signal);
      expect(await settleWithin(waiting, PENDING_MS)).toBe(false);
      signal.abort();
      expect(await settleWithin(waiting, WAKE_MS)).toBe(true);
      const afterAbort = opened.log.waitForEvents(requestId, 0, signal);
      expect(await settleWithin(afterAbort, WAKE_MS)).toBe(true);
    });

    it('releases waiters when the log closes', async () => {
      await using opened = await openLog(makeLog);
      const requestId = await createRequest(opened.log);
      const controller = new AbortController();
      const waiters = [0, 0, 0].map(() =>
        opened.log.waitForEvents(requestId, 0, controller.signal),
      );
      try {
        expect(await settleWithin(Promise.race(waiters), PENDING_MS)).toBe(false);
        await opened.log.close();
        expect(await settleWithin(Promise.all(waiters), WAKE_MS)).toBe(true);
      } finally {
        controller.abort();
      }
    });
  });
}
