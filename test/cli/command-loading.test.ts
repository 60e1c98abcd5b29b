import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SERVER_PACKAGES = ['fastify', 'pino', 'ioredis', 'prom-client'];

/**
 * Preloaded into the CLI: at exit, prints the packages whose CommonJS files were loaded
 * (the server's packages are CommonJS, and ES modules that import them go through the
 * same cache).
 */
const REPORT_PACKAGES = `
import { createRequire } from 'node:module';
process.on('exit', () => {
  const files = Object.keys(createRequire(process.cwd() + '/').cache);
  const names = files.map((file) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(file)?.[1]);
  process.stderr.write('\\nloaded packages: ' + JSON.stringify([...new Set(names)]) + '\\n');
});`;

/** Runs the CLI with `args` and resolves with its exit code and the packages it loaded. */
function packagesLoadedBy(
  args: readonly string[],
): Promise<{ code: number | null; loaded: string[] }> {
  const preload = `data:text/javascript,${encodeURIComponent(REPORT_PACKAGES)}`;
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--import', preload, 'src/cli/main.ts', ...args],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let errors = '';
  child.stderr.on('data', (data: Buffer) => (errors += data.toString()));
  return new Promise((resolve) => {
    child.once('exit', (code) => {
      const reported = /loaded packages: (.*)/.exec(errors)?.[1];
      resolve({ code, loaded: reported ? (JSON.parse(reported) as string[]) : [] });
    });
  });
}

describe('sluice command loading', { timeout: 60_000 }, () => {
  it('sluice call loads no server package (Fastify, pino, ioredis, prom-client)', async () => {
    const { code, loaded } = await packagesLoadedBy(['call', '--help']);
    expect(code).toBe(0);
    expect(loaded.filter((name) => SERVER_PACKAGES.includes(name))).toEqual([]);
  });

  it('sluice serve loads the server packages it needs', async () => {
    const { code, loaded } = await packagesLoadedBy(['serve', '--help']);
    expect(code).toBe(0);
    expect(loaded).toEqual(expect.arrayContaining(['fastify', 'pino']));
  });

  it('an unknown command prints the usage and exits with 2, loading no subcommand', async () => {
    const { code, loaded } = await packagesLoadedBy(['toString']);
    expect(code).toBe(2);
    expect(loaded.filter((name) => SERVER_PACKAGES.includes(name))).toEqual([]);
  });
});
