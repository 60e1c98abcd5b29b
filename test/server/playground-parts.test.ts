import { describe, expect, it } from 'vitest';
import { formatTiming } from '../../playground/durations.js';
import { imagesIn, readableJson } from '../../playground/images.js';
import { describeProgress } from '../../playground/progress-panel.js';
import { progressFacts, startProgress, trackEvent } from '../../src/client/progress-facts.js';

const jpeg = { url: 'data:image/jpeg;base64,AAAA', content_type: 'image/jpeg' };

describe('the playground parts', () => {
  it('finds images in `image` and `images`, and nothing in other shapes', () => {
    const png = { url: '/b.png', content_type: 'image/png', width: 2 };
    expect(imagesIn({ image: jpeg })).toEqual([jpeg]);
    expect(imagesIn({ image: jpeg, images: [png, { url: 3 }, 'x'] })).toEqual([jpeg, png]);
    expect(imagesIn({ image: { url: 'x' } })).toEqual([]);
    expect(imagesIn('image')).toEqual([]);
    expect(imagesIn(null)).toEqual([]);
  });

  it('shortens long strings for reading and keeps short ones', () => {
    const long = `data:image/jpeg;base64,${'A'.repeat(500)}`;
    const text = readableJson({ url: long, seed: 7, label: 'short' });
    expect(text).toContain(`"${long.slice(0, 60)}… (523 characters)"`);
    expect(text).toContain('"seed": 7');
    expect(text).toContain('"label": "short"');
  });

  it("describes progress with the terminal's facts, and no ETA once the run ended", () => {
    let state = startProgress(0);
    state = trackEvent(state, { type: 'progress', data: { step: 2, total: 10 } }, 1_000);
    state = trackEvent(state, { type: 'progress', data: { step: 6, total: 10 } }, 3_000);
    expect(describeProgress(progressFacts(state, 3_000))).toBe(
      '6/10 · 60% · 2.0 steps/s · ETA 0:02 · elapsed 0:03',
    );
    state = trackEvent(state, { type: 'error', data: { code: 'cancelled' } }, 4_000);
    expect(describeProgress(progressFacts(state, 9_000))).toBe(
      '6/10 · 60% · 2.0 steps/s · elapsed 0:04',
    );
    expect(describeProgress(progressFacts(startProgress(0), 500))).toBe('running · elapsed 0:01');
  });

  it('prints timings with sub-second precision', () => {
    expect(formatTiming(85.4)).toBe('85 ms');
    expect(formatTiming(4_250)).toBe('4.3 s');
    expect(formatTiming(65_000)).toBe('1:05');
  });
});
