import { describe, expect, it } from 'vitest';
import { parseQueueOptions } from '../../src/dispatch/request-options.js';
import { SluiceError } from '../../src/errors/sluice-error.js';

function refusal(headers: Record<string, string>): SluiceError {
  try {
    parseQueueOptions(headers);
  } catch (error) {
    if (error instanceof SluiceError) return error;
  }
  throw new Error('expected an invalid_input error');
}

describe('parseQueueOptions', () => {
  it('defaults to priority 0 and no start timeout', () => {
    expect(parseQueueOptions({})).toEqual({ priority: 0, startTimeoutSeconds: undefined });
  });

  it('maps fal’s normal and low, and takes x-sluice-priority over them', () => {
    expect(parseQueueOptions({ 'x-fal-queue-priority': 'low' }).priority).toBe(-1);
    expect(parseQueueOptions({ 'x-fal-queue-priority': 'NORMAL' }).priority).toBe(0);
    expect(
      parseQueueOptions({ 'x-sluice-priority': '-7', 'x-fal-queue-priority': 'low' }).priority,
    ).toBe(-7);
  });

  it('reads the start timeout in seconds', () => {
    expect(parseQueueOptions({ 'x-fal-request-timeout': '2.5' }).startTimeoutSeconds).toBe(2.5);
  });

  it.each([
    [{ 'x-sluice-priority': '1.5' }, 'x-sluice-priority'],
    [{ 'x-sluice-priority': '1001' }, 'x-sluice-priority'],
    [{ 'x-fal-queue-priority': 'high' }, 'x-fal-queue-priority'],
    [{ 'x-fal-request-timeout': '0' }, 'x-fal-request-timeout'],
    [{ 'x-fal-request-timeout': 'soon' }, 'x-fal-request-timeout'],
  ])('refuses %o as invalid_input naming the header', (headers, header) => {
    const error = refusal(headers);
    expect(error.code).toBe('invalid_input');
    expect(error.fields?.[0]?.loc).toEqual(['header', header]);
  });
});
