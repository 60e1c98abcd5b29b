import { describe, expect, it } from 'vitest';
import type { NewEvent } from '../../src/events/event-types.js';
import { planAppend } from '../../src/redis/event-log-append-plan.js';
import { parseAppendNotice } from '../../src/redis/event-log-notice.js';
import { NOTICE_TAIL_CHARS, NoticedTails, noticeTail } from '../../src/redis/event-log-tail.js';

const REQUEST = 'request-1';

/** The notice the append script publishes for `events` appended after `before`. */
function noticeOf(before: number, events: readonly NewEvent[], requestId = REQUEST) {
  const plan = planAppend(events);
  const tail = noticeTail(plan.entries);
  const header = `${before + plan.total}:${plan.ends ? 1 : 0}:${requestId}`;
  return parseAppendNotice(tail === '' ? header : `${header}\n${before}\n${tail}`)!;
}

const output = (text: string): NewEvent => ({ type: 'output', json: JSON.stringify(text) });
const progress = (step: number): NewEvent => ({ type: 'progress', json: `{"step":${step}}` });

describe('NoticedTails', () => {
  it('answers a cursor from the notices it followed, in seq order, packed entries unpacked', () => {
    const tails = new NoticedTails();
    tails.heard(noticeOf(0, [output('a'), output('b')]), true);
    tails.heard(noticeOf(2, [output('c')]), false); // already followed: extends

    expect(tails.take(REQUEST, 0, 10)).toEqual({
      events: [
        { seq: 1, type: 'output', json: '"a"' },
        { seq: 2, type: 'output', json: '"b"' },
        { seq: 3, type: 'output', json: '"c"' },
      ],
      lastSeq: 3,
      ended: false,
    });
    expect(tails.take(REQUEST, 3, 10)).toBeUndefined(); // taken: read Redis or wait
    tails.heard(noticeOf(3, [output('d'), { type: 'result', json: '{}' }]), false);
    expect(tails.take(REQUEST, 3, 10)).toMatchObject({ lastSeq: 5, ended: true });
    expect(tails.take(REQUEST, 3, 10)).toBeUndefined(); // an ended tail goes once taken
  });

  it('starts a tail only for a request waited on, and only from a notice with events', () => {
    const tails = new NoticedTails();
    tails.heard(noticeOf(0, [output('a')]), false);
    expect(tails.take(REQUEST, 0, 10)).toBeUndefined();
    const big = output('x'.repeat(NOTICE_TAIL_CHARS + 1));
    expect(noticeOf(1, [big]).tail).toBeUndefined();
    tails.heard(noticeOf(1, [big]), true);
    expect(tails.take(REQUEST, 1, 10)).toBeUndefined();
  });

  it('drops a tail at a gap or a notice without events, so a read never skips an event', () => {
    const tails = new NoticedTails();
    tails.heard(noticeOf(0, [output('a')]), true);
    tails.heard(noticeOf(2, [output('c')]), false); // the notice of seq 2 was not heard
    expect(tails.take(REQUEST, 0, 10)).toBeUndefined();

    tails.heard(noticeOf(2, [output('c')]), true);
    tails.heard(noticeOf(3, [output('x'.repeat(NOTICE_TAIL_CHARS + 1))]), true);
    expect(tails.take(REQUEST, 2, 10)).toBeUndefined();
  });

  it('holds what the stream holds: a newer progress drops the one it supersedes', () => {
    const tails = new NoticedTails();
    tails.heard(noticeOf(0, [progress(1), output('a')]), true);
    tails.heard(noticeOf(2, [progress(2)]), true);
    expect(tails.take(REQUEST, 0, 10)?.events.map((event) => event.seq)).toEqual([2, 3]);
  });

  it('takes at most maxEvents, and the rest stays for the next take', () => {
    const tails = new NoticedTails();
    tails.heard(noticeOf(0, [output('a'), output('b'), output('c')]), true);
    expect(tails.take(REQUEST, 0, 2)).toMatchObject({ lastSeq: 2 });
    expect(tails.take(REQUEST, 2, 2)).toMatchObject({ lastSeq: 3, events: [{ seq: 3 }] });
    expect(tails.take(REQUEST, 0, 2)).toBeUndefined(); // what was taken is let go
  });

  it('lets a tail go once its cursor falls 64 KiB behind', () => {
    const tails = new NoticedTails();
    const chunk = output('x'.repeat(NOTICE_TAIL_CHARS - 10));
    tails.heard(noticeOf(0, [chunk]), true);
    for (let seq = 1; seq <= 4; seq++) tails.heard(noticeOf(seq, [chunk]), true);
    expect(tails.take(REQUEST, 0, 10)).toBeUndefined();
  });

  it('holds at most 8 MiB over every tail: the oldest go first', () => {
    const tails = new NoticedTails();
    const chunk = output('x'.repeat(NOTICE_TAIL_CHARS - 10));
    const requests = Array.from({ length: 200 }, (_, index) => `request-${index}`);
    for (const requestId of requests) {
      for (let seq = 0; seq < 3; seq++) tails.heard(noticeOf(seq, [chunk], requestId), true);
    }
    const held = requests.filter((requestId) => tails.take(requestId, 0, 10) !== undefined);
    expect(held.length).toBeGreaterThan(100);
    expect(held.length).toBeLessThan(200);
    expect(held).toEqual(requests.slice(-held.length)); // the newest
  });

  it('parses no notice of a request it does not follow, and drops a tail whose notice it cannot read', () => {
    const tails = new NoticedTails();
    const unreadable = { requestId: REQUEST, lastSeq: 2, ended: false, tail: '1\n[[1,"output"' };
    tails.heard(unreadable, false); // not followed: left unread, so nothing to fail on

    tails.heard(noticeOf(0, [output('a')]), true);
    expect(() => tails.heard(unreadable, true)).not.toThrow();
    expect(tails.take(REQUEST, 0, 10)).toBeUndefined();
  });

  it('forgets every tail when notices may have been lost', () => {
    const tails = new NoticedTails();
    tails.heard(noticeOf(0, [output('a')]), true);
    tails.forgetAll();
    expect(tails.take(REQUEST, 0, 10)).toBeUndefined();
  });
});
