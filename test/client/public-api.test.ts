import { describe, expect, it } from 'vitest';
import * as client from '../../src/client/index.js';

describe('the sluice/client entry point', () => {
  it('exports exactly these names (a change here is an API change: review it)', () => {
    expect(Object.keys(client).sort()).toEqual([
      'EventStream',
      'SluiceError',
      'SseDecoder',
      'createClient',
      'formatDuration',
      'formatRate',
      'isSluiceError',
      'progressFacts',
      'startProgress',
      'trackEvent',
    ]);
  });

  it('exports the same SluiceError class as the server', async () => {
    const server = await import('../../src/index.js');
    expect(client.SluiceError).toBe(server.SluiceError);
  });
});
