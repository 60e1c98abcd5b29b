import { describe, expect, it } from 'vitest';
import { LinkWindow, STARTS_PER_TURN } from '../../../src/runtime/replica/link-window.js';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('LinkWindow', () => {
  it('starts a run at once while the link has room', () => {
    const window = new LinkWindow(100);
    const started: number[] = [];
    window.admit(() => started.push(1));
    expect(started).toEqual([1]);
    expect(window.waitingCount).toBe(0);
  });

  it(`starts at most ${STARTS_PER_TURN} runs in one turn, the rest in the next`, async () => {
    const window = new LinkWindow(100);
    const started: number[] = [];
    for (let run = 0; run < STARTS_PER_TURN + 3; run++) window.admit(() => started.push(run));
    expect(started).toHaveLength(STARTS_PER_TURN);
    await nextTurn();
    expect(started).toEqual(Array.from({ length: STARTS_PER_TURN + 3 }, (_, run) => run));
  });

  it('holds new runs while what was sent is unacknowledged, and starts them in order', async () => {
    const window = new LinkWindow(100);
    const started: string[] = [];
    window.sent(60);
    window.sent(60);
    window.admit(() => started.push('a'));
    window.admit(() => started.push('b'));
    await nextTurn();
    expect(started).toEqual([]);
    window.acknowledged(60);
    await nextTurn();
    expect(started).toEqual(['a', 'b']);
  });

  it('starts a waiting run at once when asked (a cancelled run), and only once', async () => {
    const window = new LinkWindow(10);
    window.sent(10);
    const started: string[] = [];
    const startNow = window.admit(() => started.push('cancelled'));
    startNow();
    expect(started).toEqual(['cancelled']);
    window.acknowledged(10);
    await nextTurn();
    startNow();
    expect(started).toEqual(['cancelled']);
  });
});
