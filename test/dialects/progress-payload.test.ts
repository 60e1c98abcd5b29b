import { describe, expect, it } from 'vitest';
import { progressPayload } from '../../src/runtime/progress-payload.js';

describe('progress as the references send it', () => {
  it('carries the fraction done and the message, given as a string or as { message }', () => {
    expect(progressPayload(5, 20, { message: 'Processing step 5/20' })).toEqual({
      step: 5,
      total: 20,
      progress: 0.25,
      message: 'Processing step 5/20',
    });
    expect(progressPayload(1, 4, 'warming up')).toEqual({
      step: 1,
      total: 4,
      progress: 0.25,
      message: 'warming up',
    });
    expect(progressPayload(3, 3)).toEqual({ step: 3, total: 3, progress: 1 });
  });

  it('keeps the fraction within 0–1, and 0 for a total that is not above 0', () => {
    expect(progressPayload(30, 20).progress).toBe(1);
    expect(progressPayload(-1, 20).progress).toBe(0);
    expect(progressPayload(2, 0).progress).toBe(0);
  });
});
