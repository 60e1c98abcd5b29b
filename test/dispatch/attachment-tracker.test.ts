import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AttachmentTracker } from '../../src/dispatch/attachment-tracker.js';

const GRACE_MS = 1_000;

function tracker() {
  const abandoned: string[] = [];
  return { abandoned, tracker: new AttachmentTracker(GRACE_MS, (id) => abandoned.push(id)) };
}

/** Checks that `ids` are abandoned exactly `ms` from now, not a millisecond sooner. */
function expectAbandonedIn(abandoned: string[], ms: number, ids: string[]): void {
  const before = [...abandoned];
  vi.advanceTimersByTime(ms - 1);
  expect(abandoned).toEqual(before);
  vi.advanceTimersByTime(1);
  expect(abandoned).toEqual([...before, ...ids]);
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('the attachment tracker', () => {
  it('abandons a watched request no client attached to once the grace has passed, not before', () => {
    const { abandoned, tracker: attachments } = tracker();
    attachments.watch('r1');
    expectAbandonedIn(abandoned, GRACE_MS, ['r1']);
  });

  it('gives a request whose last client left a full grace from that moment', () => {
    const { abandoned, tracker: attachments } = tracker();
    attachments.watch('r1');
    vi.advanceTimersByTime(600);
    const detach = attachments.attach('r1');
    vi.advanceTimersByTime(600); // the first grace would have ended here
    expect(abandoned).toEqual([]);
    detach();
    detach(); // a second call changes nothing
    expectAbandonedIn(abandoned, GRACE_MS, ['r1']);
  });

  it('does not abandon a request whose client came back in time, nor one forgotten', () => {
    const { abandoned, tracker: attachments } = tracker();
    attachments.watch('back');
    attachments.watch('forgotten');
    attachments.attach('back')();
    vi.advanceTimersByTime(500);
    attachments.attach('back');
    attachments.forget('forgotten');
    vi.advanceTimersByTime(GRACE_MS * 3);
    expect(abandoned).toEqual([]);
  });

  it('abandons each request at the end of its own grace through one timer', () => {
    const { abandoned, tracker: attachments } = tracker();
    attachments.watch('first');
    vi.advanceTimersByTime(400);
    attachments.watch('second');
    expect(vi.getTimerCount()).toBe(1);
    expectAbandonedIn(abandoned, GRACE_MS - 400, ['first']);
    expectAbandonedIn(abandoned, 400, ['second']);
    expect(vi.getTimerCount()).toBe(0);
  });
});
