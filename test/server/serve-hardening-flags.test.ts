import { describe, expect, it } from 'vitest';
import { gatewayOptionsOf } from '../../src/cli/serve-options.js';

describe('sluice serve flags for slow bodies and the public URL', () => {
  it('map to requestTimeoutMs, minBodyBytesPerSecond and publicUrl', () => {
    const options = gatewayOptionsOf({
      'request-timeout-ms': '5000',
      'min-body-rate': '0',
      'public-url': 'https://api.example.com',
    });
    expect(options).toMatchObject({
      requestTimeoutMs: 5000,
      minBodyBytesPerSecond: 0,
      publicUrl: 'https://api.example.com',
    });
  });

  it('leave the defaults to the gateway, and refuse a rate that is not a number', () => {
    const options = gatewayOptionsOf({});
    expect(options.requestTimeoutMs).toBeUndefined();
    expect(options.publicUrl).toBeUndefined();
    expect(() => gatewayOptionsOf({ 'min-body-rate': 'fast' })).toThrow('--min-body-rate');
  });
});
