import { describe, expect, it } from 'vitest';
import { packagesLoadedBy } from './support/loaded-packages.js';

/** What an app author's process must not pay for: the server, queue, Redis and metrics stacks. */
const HEAVY = ['fastify', 'bullmq', 'ioredis', 'esbuild', 'prom-client', 'sharp'];
const TSX = { nodeFlags: ['--import', 'tsx'] };

function heavyAmong(packages: readonly string[]): string[] {
  return packages.filter((name) => HEAVY.includes(name));
}

describe('what importing each entry point loads (a fresh process each)', () => {
  it('sluice loads zod and nothing else', async () => {
    const packages = await packagesLoadedBy(`await import('./src/index.ts');`, TSX);
    expect(packages).toEqual(['zod']);
  });

  it('sluice loads sharp on the first preview, not before', async () => {
    const script = `const { encodePreview } = await import('./src/index.ts');
      await encodePreview({ data: new Uint8Array(12), width: 2, height: 2, channels: 3 }, 70);`;
    expect(heavyAmong(await packagesLoadedBy(script, TSX))).toEqual(['sharp']);
  });

  it('sluice/client and sluice/protocol load none of the heavy packages', async () => {
    const client = await packagesLoadedBy(`await import('./src/client/index.ts');`, TSX);
    const protocol = await packagesLoadedBy(`await import('./src/protocol.ts');`, TSX);
    expect({ client, protocol }).toEqual({ client: ['eventsource-parser'], protocol: [] });
  });

  it('a memory-mode gateway never loads ioredis or BullMQ', async () => {
    const script = `const { createGateway } = await import('./src/server/index.ts');
      const gateway = await createGateway({ apps: [], logger: false });
      await gateway.listen();
      await gateway.close();`;
    const packages = await packagesLoadedBy(script, TSX);
    expect(packages).toContain('fastify');
    expect(packages.filter((name) => name === 'ioredis' || name === 'bullmq')).toEqual([]);
  });
});
