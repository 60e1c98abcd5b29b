import { describe, expect, it } from 'vitest';
import { planAppend } from '../../src/redis/event-log-append-plan.js';
import { parseAppendNotice } from '../../src/redis/event-log-notice.js';
import { decodeRecord, encodeRecord } from '../../src/redis/event-log-record.js';
import {
  newRecord,
  outputEvent,
  previewEvent,
  progressEvent,
  resultEvent,
} from '../../src/events/conformance/conformance-fixtures.js';

const sizeOf = (event: { json: string }) => event.json.length + 32;

describe('planAppend', () => {
  it('packs the outputs of a batch into one entry, and the terminal event into another', () => {
    const events = [outputEvent('a'), outputEvent('b'), resultEvent('done')];
    expect(planAppend(events)).toEqual({
      total: 3,
      ends: true,
      bodyCount: 2,
      bodyBytes: sizeOf(events[0]!) + sizeOf(events[1]!),
      terminalBytes: sizeOf(events[2]!),
      latest: {},
      entries: [
        {
          offset: 2,
          field: 'pack',
          value: `output\n${events[0]!.json}\noutput\n${events[1]!.json}`,
        },
        { offset: 3, field: 'result', value: events[2]!.json },
      ],
      offsets: '2 3',
    });
  });

  it('numbers a progress or preview that its batch supersedes, but does not store it', () => {
    const events = [progressEvent(1), previewEvent(1), outputEvent('a'), progressEvent(2)];
    const plan = planAppend(events);
    expect(plan.entries).toEqual([
      { offset: 2, field: 'preview', value: events[1]!.json },
      { offset: 3, field: 'output', value: events[2]!.json },
      { offset: 4, field: 'progress', value: events[3]!.json },
    ]);
    expect(plan.offsets).toBe('2 3 4');
    expect(plan.total).toBe(4);
    expect(plan.bodyCount).toBe(3);
    expect(plan.bodyBytes).toBe(sizeOf(events[1]!) + sizeOf(events[2]!) + sizeOf(events[3]!));
    expect(plan.latest).toEqual({
      progress: { offset: 4, bytes: sizeOf(events[3]!) },
      preview: { offset: 2, bytes: sizeOf(events[1]!) },
    });
    expect(plan.ends).toBe(false);
    expect(plan.terminalBytes).toBe(0);
  });

  it('refuses a terminal event that is not last', () => {
    expect(() => planAppend([resultEvent('done'), outputEvent('late')])).toThrow(TypeError);
  });
});

describe('parseAppendNotice', () => {
  it('reads lastSeq, ended and the request id, which may hold colons', () => {
    expect(parseAppendNotice('12:0:abc')).toEqual({
      requestId: 'abc',
      lastSeq: 12,
      ended: false,
    });
    expect(parseAppendNotice('3:1:a:b')).toEqual({ requestId: 'a:b', lastSeq: 3, ended: true });
  });

  it('ignores probes and anything else', () => {
    for (const message of ['probe:3f2a', 'abc', ':0:abc', '1:2:abc', '1.5:0:abc', '1:0']) {
      expect(parseAppendNotice(message)).toBeUndefined();
    }
  });
});

describe('the compact record', () => {
  it('round-trips without the id', () => {
    const record = newRecord();
    const text = encodeRecord(record);
    expect(text).not.toContain(record.requestId);
    expect(decodeRecord(record.requestId, text)).toEqual(record);
  });
});
