import { describe, expect, it } from 'vitest';
import * as client from '../../src/client/index.js';

// The names the entry exports are snapshotted with every other entry's in test/public-api.test.ts.
describe('the sluice/client entry point', () => {
  it('exports the same SluiceError class as the app authors’ entry point', async () => {
    const authoring = await import('../../src/index.js');
    expect(client.SluiceError).toBe(authoring.SluiceError);
  });
});
