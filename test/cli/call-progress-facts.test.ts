import { describe, expect, it } from 'vitest';
import {
  formatDuration,
  formatRate,
  progressFacts,
  startProgress,
  trackEvent,
  type ProgressState,
  type TrackedEvent,
} from '../../src/client/progress-facts.js';

function track(events: readonly (readonly [at: number, event: TrackedEvent])[]): ProgressState {
  return events.reduce((state, [at, event]) => trackEvent(state, event, at), startProgress(1_000));
}

const progress = (step: number, total: number, message?: string): TrackedEvent => ({
  type: 'progress',
  data: { step, total, message },
});

describe('progress facts', () => {
  it('before any event: nothing known but the elapsed time', () => {
    const facts = progressFacts(startProgress(1_000), 3_500);
    expect(facts).toMatchObject({ status: 'running', step: undefined, total: undefined });
    expect(facts.fraction).toBeUndefined();
    expect(facts.stepsPerSecond).toBeUndefined();
    expect(facts.etaMs).toBeUndefined();
    expect(facts.elapsedMs).toBe(2_500);
  });

  it('measures the rate from the first progress seen and derives the ETA from it', () => {
    const state = track([
      [2_000, progress(5, 25)],
      [4_000, progress(10, 25, 'denoising')],
    ]);
    const facts = progressFacts(state, 4_500);
    expect(facts.step).toBe(10);
    expect(facts.total).toBe(25);
    expect(facts.fraction).toBeCloseTo(0.4);
    expect(facts.message).toBe('denoising');
    expect(facts.stepsPerSecond).toBeCloseTo(2.5);
    expect(facts.etaMs).toBeCloseTo(6_000);
    expect(facts.elapsedMs).toBe(3_500);
  });

  it('a single progress event gives no rate and no ETA', () => {
    const facts = progressFacts(track([[2_000, progress(3, 10)]]), 5_000);
    expect(facts.stepsPerSecond).toBeUndefined();
    expect(facts.etaMs).toBeUndefined();
  });

  it('counts previews, keeps the latest log line and ignores outputs', () => {
    const state = track([
      [1_100, { type: 'log', data: { level: 'info', message: 'loading', timestamp: 'x' } }],
      [1_200, { type: 'preview', data: { image: { url: 'data:,', content_type: 'image/jpeg' } } }],
      [1_300, { type: 'output', data: { token: 'hi' } }],
      [1_400, { type: 'log', data: { level: 'warn', message: 'slow disk', timestamp: 'x' } }],
      [1_500, { type: 'preview', data: {} }],
    ]);
    const facts = progressFacts(state, 2_000);
    expect(facts.previewCount).toBe(2);
    expect(facts.latestLog).toBe('slow disk');
    expect(facts.eventCount).toBe(5);
  });

  it('a terminal event freezes the elapsed time; a result ends the ETA at zero', () => {
    const state = track([
      [2_000, progress(1, 4)],
      [3_000, progress(2, 4)],
      [3_500, { type: 'result', data: {} }],
      [9_000, progress(3, 4)],
    ]);
    const facts = progressFacts(state, 60_000);
    expect(facts.status).toBe('succeeded');
    expect(facts.step).toBe(2); // nothing after the terminal event counts
    expect(facts.elapsedMs).toBe(2_500);
    expect(facts.etaMs).toBe(0);
  });

  it('an error event marks the request failed', () => {
    const state = track([[2_000, { type: 'error', data: { code: 'cancelled' } }]]);
    expect(progressFacts(state, 3_000).status).toBe('failed');
  });

  it('ignores malformed progress data', () => {
    const state = track([
      [2_000, { type: 'progress', data: null }],
      [2_100, { type: 'progress', data: { step: 'three', total: 9 } }],
    ]);
    expect(progressFacts(state, 3_000).step).toBeUndefined();
  });

  it('formats durations and rates for people', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(7_400)).toBe('0:07');
    expect(formatDuration(65_000)).toBe('1:05');
    expect(formatDuration(3_723_000)).toBe('1:02:03');
    expect(formatRate(12.34)).toBe('12.3 steps/s');
    expect(formatRate(0.25)).toBe('4.0 s/step');
  });
});
