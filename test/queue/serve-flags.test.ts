import { describe, expect, it } from 'vitest';
import { gatewayOptionsOf } from '../../src/cli/serve-options.js';

describe('sluice serve queue flags', () => {
  it('map to the gateway’s limits, shutdown deadline and webhook policy', () => {
    const options = gatewayOptionsOf({
      'max-concurrent': '4',
      'max-queued': '0',
      'shutdown-deadline-ms': '2500',
      'webhook-attempts': '3',
      'webhook-backoff-ms': '100',
    });
    expect(options.limits).toEqual({ concurrent: 4, queued: 0 });
    expect(options.shutdownDeadlineMs).toBe(2500);
    expect(options.webhook).toEqual({ attempts: 3, baseDelayMs: 100 });
  });

  it('default to unbounded limits and a 30 s shutdown deadline', () => {
    const options = gatewayOptionsOf({});
    expect(options.limits).toEqual({});
    expect(options.shutdownDeadlineMs).toBe(30_000);
    expect(options.webhook).toEqual({});
  });

  it('refuse a value that is not a non-negative number, naming the flag', () => {
    expect(() => gatewayOptionsOf({ 'max-queued': '-1' })).toThrow('--max-queued');
    expect(() => gatewayOptionsOf({ 'shutdown-deadline-ms': 'soon' })).toThrow(
      '--shutdown-deadline-ms',
    );
  });
});
