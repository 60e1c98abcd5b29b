import { describe, expect, it } from 'vitest';
import { MemoryBudget } from '../../src/events/memory-budget.js';
import { MemoryEventLog } from '../../src/events/memory-event-log.js';
import { processMemoryBudget } from '../../src/events/process-memory-budget.js';
import { EventWriter } from '../../src/runtime/event-writer.js';
import type { AppendResult } from '../../src/events/event-log.js';
import {
  appendAccepted,
  newRecord,
  outputEvent,
  resultEvent,
} from '../../src/events/conformance/conformance-fixtures.js';

const KIB = 1024;
/** About 10 KiB of events: ten outputs of 1 KiB. */
const TEN_OUTPUTS = Array.from({ length: 10 }, (_, index) => outputEvent(`${index}`.repeat(KIB)));

async function liveRequest(log: MemoryEventLog): Promise<string> {
  const record = newRecord();
  await log.create(record);
  await appendAccepted(log, record.requestId, TEN_OUTPUTS);
  return record.requestId;
}

async function endedRequest(log: MemoryEventLog): Promise<string> {
  const requestId = await liveRequest(log);
  await appendAccepted(log, requestId, [resultEvent('done')]);
  return requestId;
}

/** What one ended request of {@link endedRequest} charges. */
async function sizeOfEndedRequest(): Promise<number> {
  const budget = new MemoryBudget({ limitBytes: 1024 * KIB });
  const log = new MemoryEventLog({}, budget);
  await endedRequest(log);
  const size = budget.usedBytes;
  await log.close();
  return size;
}

describe('MemoryEventLog under a memory budget', () => {
  it('charges each log its events, and releases them when it expires', async () => {
    const budget = new MemoryBudget({ limitBytes: 1024 * KIB });
    const log = new MemoryEventLog({ retentionMs: 1 }, budget);
    const requestId = await endedRequest(log);
    // 10 KiB of JSON, plus the counted overhead of 11 events and of the log itself.
    expect(budget.usedBytes).toBeGreaterThan(10 * KIB);
    expect(budget.usedBytes).toBeLessThan(14 * KIB);
    await new Promise((resolve) => setTimeout(resolve, 5));
    log.sweep(Date.now());
    expect(await log.lookup(requestId)).toMatchObject({ state: 'expired' });
    expect(budget.usedBytes).toBe(600); // what remembering its id costs
    await log.close();
    expect(budget.usedBytes).toBe(0);
  });

  it('remembers expired ids within a tenth of the budget, forgetting the oldest first', async () => {
    const budget = new MemoryBudget({ limitBytes: 6_000 * 10 }); // room for 10 ids
    const log = new MemoryEventLog({ retentionMs: 1 }, budget);
    const ids: string[] = [];
    for (let index = 0; index < 12; index++) {
      const record = newRecord();
      await log.create(record);
      await appendAccepted(log, record.requestId, [resultEvent('done')]);
      ids.push(record.requestId);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
    log.sweep(Date.now());
    expect(await log.lookup(ids[1]!)).toEqual({ state: 'unknown' });
    expect(await log.lookup(ids[2]!)).toMatchObject({ state: 'expired' });
    expect(budget.usedBytes).toBe(10 * 600);
    await log.close();
  });

  it('near the budget, expires ended logs oldest first, as retention would, and never a live one', async () => {
    const size = await sizeOfEndedRequest();
    const budget = new MemoryBudget({ limitBytes: (3.5 * size) / 0.9, dropGraceMs: 0 }); // drop line: 3.5 requests
    const log = new MemoryEventLog({}, budget);
    const live = await liveRequest(log);
    const first = await endedRequest(log);
    const second = await endedRequest(log);
    expect(budget.droppedLogs).toBe(0);
    await endedRequest(log); // 4 requests: the oldest ended log goes
    expect(await log.lookup(first)).toMatchObject({ state: 'expired' });
    expect(await log.read(first, 0, 10)).toBeUndefined();
    expect(await log.lookup(second)).toMatchObject({ state: 'ended' });
    expect(await log.lookup(live)).toMatchObject({ state: 'live' });
    expect(budget.droppedLogs).toBe(1);
    expect(budget.usedBytes).toBeLessThanOrEqual(3.5 * size);
    await log.close();
  });

  it('lets a log the budget dropped go only once when its retention ends', async () => {
    const size = await sizeOfEndedRequest();
    const budget = new MemoryBudget({ limitBytes: (1.5 * size) / 0.9, dropGraceMs: 0 });
    const log = new MemoryEventLog({ retentionMs: 60_000 }, budget);
    const first = await endedRequest(log);
    const second = await endedRequest(log); // the budget drops the first
    expect(await log.lookup(first)).toMatchObject({ state: 'expired' });
    const usedBefore = budget.usedBytes;
    log.sweep(Date.now() + 120_000); // both retentions are over
    expect(await log.lookup(second)).toMatchObject({ state: 'expired' });
    expect(budget.droppedLogs).toBe(1);
    expect(budget.usedBytes).toBeLessThan(usedBefore - size / 2); // the second's events, not the first's again
    await log.close();
  });

  it('lets live logs pass the budget (their own caps bound them): it is then exhausted', async () => {
    const budget = new MemoryBudget({ limitBytes: 30 * KIB, dropGraceMs: 0 }); // ceiling 37.5 KiB
    const log = new MemoryEventLog({}, budget);
    const ended = await endedRequest(log);
    const live = [await liveRequest(log), await liveRequest(log)];
    expect(await log.lookup(ended)).toMatchObject({ state: 'expired' });
    expect(budget.exhausted).toBe(false);
    await appendAccepted(log, live[0]!, TEN_OUTPUTS);
    expect(await log.lookup(live[0]!)).toMatchObject({ state: 'live', lastSeq: 20 });
    expect(budget.exhausted).toBe(true);
    await log.close();
  });

  it('refuses appends past the ceiling (1.25 times the budget) as `full`, but not a terminal event', async () => {
    const budget = new MemoryBudget({ limitBytes: 20 * KIB, dropGraceMs: 60_000 });
    const log = new MemoryEventLog({}, budget);
    const first = await liveRequest(log);
    const second = await liveRequest(log); // about 24.6 KiB of the 25 KiB ceiling
    expect(await log.append(second, TEN_OUTPUTS)).toEqual({ accepted: false, reason: 'full' });
    await appendAccepted(log, first, [resultEvent('done')]);
    expect(await log.lookup(first)).toMatchObject({ state: 'ended' });
    await log.close();
  });

  it('wakes a cursor waiting on a log the budget drops', async () => {
    const budget = new MemoryBudget({ limitBytes: 20 * KIB, dropGraceMs: 0 });
    const log = new MemoryEventLog({}, budget);
    const ended = await endedRequest(log);
    const waiting = log.waitForEvents(ended, 11, AbortSignal.timeout(5_000));
    await liveRequest(log);
    await liveRequest(log);
    await waiting;
    expect(await log.read(ended, 11, 10)).toBeUndefined();
    await log.close();
  });

  it('keeps an ended log through its grace; its sweep drops it after', async () => {
    const clock = { now: 0 };
    const budget = new MemoryBudget({
      limitBytes: 30 * KIB,
      dropGraceMs: 50,
      now: () => clock.now,
    });
    const log = new MemoryEventLog({}, budget);
    const ended = await endedRequest(log);
    await liveRequest(log);
    await liveRequest(log);
    expect(await log.lookup(ended)).toMatchObject({ state: 'ended' });
    expect(budget.exhausted).toBe(true);
    clock.now = 50;
    log.sweep(Date.now());
    expect(await log.lookup(ended)).toMatchObject({ state: 'expired' });
    expect(budget.exhausted).toBe(false);
    await log.close();
  });

  it('gives back everything it charged when it closes', async () => {
    const budget = new MemoryBudget({ limitBytes: 1024 * KIB });
    const log = new MemoryEventLog({}, budget);
    await liveRequest(log);
    await endedRequest(log);
    await log.close();
    expect(budget.usedBytes).toBe(0);
  });
});

describe('EventWriter under the process memory budget', () => {
  it('charges the events it holds until the sink takes them', async () => {
    const budget = processMemoryBudget();
    const before = budget.usedBytes;
    let accept!: (result: AppendResult) => void;
    const sink = () => new Promise<AppendResult>((resolve) => (accept = resolve));
    const writer = new EventWriter(sink, () => expect.unreachable('the sink refused'));
    writer.push(outputEvent('a'.repeat(KIB)));
    await new Promise((resolve) => setTimeout(resolve, 5)); // the first batch is in the sink
    for (const event of TEN_OUTPUTS) writer.push(event);
    expect(budget.usedBytes - before).toBeGreaterThan(10 * KIB);
    accept({ accepted: true, lastSeq: 1 });
    await new Promise((resolve) => setTimeout(resolve, 5));
    accept({ accepted: true, lastSeq: 11 });
    await writer.drained();
    expect(budget.usedBytes).toBe(before);
  });

  it('refuses an event that would take the budget past its ceiling, saying so', () => {
    const budget = processMemoryBudget();
    const limit = budget.limitBytes;
    budget.setLimit(Math.max(budget.usedBytes, 1) + 4 * KIB); // room for about 4 KiB more
    try {
      const refusals: unknown[] = [];
      const sink = () => new Promise<AppendResult>(() => undefined);
      const writer = new EventWriter(sink, (reason) => refusals.push(reason));
      for (const event of TEN_OUTPUTS) writer.push(event);
      expect(refusals).toEqual([{ kind: 'buffer-full', limit: 'budget' }]);
    } finally {
      budget.setLimit(limit);
    }
  });

  it('releases what it held when the run fails', () => {
    const budget = processMemoryBudget();
    const before = budget.usedBytes;
    const sink = () => new Promise<AppendResult>(() => undefined);
    const writer = new EventWriter(sink, () => undefined);
    for (const event of TEN_OUTPUTS) writer.push(event);
    expect(budget.usedBytes).toBeGreaterThan(before);
    writer.discardQueued();
    expect(budget.usedBytes).toBe(before);
  });
});
