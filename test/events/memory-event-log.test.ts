import { describe, expect, it } from 'vitest';
import { MemoryEventLog } from '../../src/events/memory-event-log.js';
import {
  appendAccepted,
  newRecord,
  outputEvent,
  resultEvent,
} from '../../src/events/conformance/conformance-fixtures.js';
import { describeEventLogConformance } from 'sluice/protocol';

describeEventLogConformance({ describe, it, expect }, 'memory', (limits) => {
  const log = new MemoryEventLog(limits);
  return Promise.resolve({ log, cleanup: () => log.close() });
});

const RETENTION_MS = 60_000;

async function endedRequest(log: MemoryEventLog) {
  const record = newRecord();
  await log.create(record);
  await appendAccepted(log, record.requestId, [outputEvent('a'), resultEvent('done')]);
  return { record, endedAt: Date.now() };
}

describe('MemoryEventLog', () => {
  it('expires ended logs when sweep passes their retention', async () => {
    const log = new MemoryEventLog({ retentionMs: RETENTION_MS });
    try {
      const first = await endedRequest(log);
      const second = await endedRequest(log);
      log.sweep(first.endedAt + RETENTION_MS - 1_000);
      expect(await log.lookup(first.record.requestId)).toMatchObject({ state: 'ended' });
      log.sweep(second.endedAt + RETENTION_MS + 1_000);
      expect(await log.lookup(first.record.requestId)).toMatchObject({ state: 'expired' });
      expect(await log.lookup(second.record.requestId)).toMatchObject({ state: 'expired' });
      expect(await log.read(second.record.requestId, 0, 10)).toBeUndefined();
    } finally {
      await log.close();
    }
  });

  it('never sweeps a live log', async () => {
    const log = new MemoryEventLog({ retentionMs: 0 });
    try {
      const record = newRecord();
      await log.create(record);
      await appendAccepted(log, record.requestId, [outputEvent('a')]);
      log.sweep(Date.now() + 365 * 24 * 3_600_000);
      expect(await log.lookup(record.requestId)).toMatchObject({ state: 'live', lastSeq: 1 });
    } finally {
      await log.close();
    }
  });

  it('refuses to create an id that is live, ended or expired', async () => {
    const log = new MemoryEventLog({ retentionMs: RETENTION_MS });
    try {
      const { record, endedAt } = await endedRequest(log);
      await expect(log.create(record)).rejects.toThrow();
      log.sweep(endedAt + RETENTION_MS + 1_000);
      await expect(log.create(record)).rejects.toThrow();
      expect(await log.lookup(record.requestId)).toMatchObject({ state: 'expired' });
    } finally {
      await log.close();
    }
  });
});
