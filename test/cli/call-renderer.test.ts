import { describe, expect, it } from 'vitest';
import { redraw, renderProgress } from '../../src/cli/call-renderer.js';
import { progressFacts, startProgress, trackEvent } from '../../src/client/progress-facts.js';

function factsAfter(events: readonly { type: string; data: unknown }[], now = 5_000) {
  let state = startProgress(0);
  events.forEach((event, index) => {
    state = trackEvent(state, event, 1_000 * (index + 1));
  });
  return progressFacts(state, now);
}

describe('the sluice call display', () => {
  it('draws the bar, step/total, percent, rate, ETA, elapsed, latest log and preview count', () => {
    const facts = factsAfter([
      { type: 'progress', data: { step: 2, total: 8 } },
      { type: 'log', data: { level: 'info', message: 'step 2 done' } },
      { type: 'preview', data: {} },
      { type: 'progress', data: { step: 4, total: 8, message: 'denoising' } },
    ]);
    expect(renderProgress(facts, { columns: 200, outDir: 'out' })).toEqual([
      '[############............]  4/8  50%  1.5 s/step  ETA 0:06  elapsed 0:05  denoising',
      'log: step 2 done',
      'previews: 1 (saved to out)',
    ]);
  });

  it('before any progress it shows a spinner and the elapsed time', () => {
    expect(renderProgress(factsAfter([], 2_000), { columns: 80 })).toEqual([
      '⠋ running  elapsed 0:02',
      'log: –',
      'previews: 0',
    ]);
  });

  it('cuts every line to the terminal width and keeps log lines on one line', () => {
    const facts = factsAfter([
      { type: 'progress', data: { step: 1, total: 3 } },
      { type: 'log', data: { message: `multi\nline ${'x'.repeat(100)}` } },
    ]);
    const lines = renderProgress(facts, { columns: 30 });
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(29);
    expect(lines[1]).toMatch(/^log: multi line x+…$/);
  });

  it('redraw moves back to the first line of the last display and clears below', () => {
    expect(redraw(0, ['a', 'b', 'c'])).toBe('\r\x1b[Ja\nb\nc');
    expect(redraw(3, ['d', 'e', 'f'])).toBe('\x1b[2A\r\x1b[Jd\ne\nf');
  });
});
