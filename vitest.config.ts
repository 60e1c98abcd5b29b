import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** Each entry point of package.json `exports`, resolved to its TypeScript source. */
const ENTRY_POINTS: Record<string, string> = {
  sluice: './src/index.ts',
  'sluice/server': './src/server/index.ts',
  'sluice/redis': './src/cluster/index.ts',
  'sluice/client': './src/client/index.ts',
  'sluice/protocol': './src/protocol.ts',
};

export default defineConfig({
  resolve: {
    alias: Object.entries(ENTRY_POINTS).map(([name, source]) => ({
      find: new RegExp(`^${name}$`),
      replacement: fileURLToPath(new URL(source, import.meta.url)),
    })),
  },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/redis-global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    execArgv: ['--expose-gc'],
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'] },
  },
});
