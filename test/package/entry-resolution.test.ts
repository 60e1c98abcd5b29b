import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { isBuildCurrent } from '../../bin/build-freshness.js';
import { packagesLoadedBy } from '../support/loaded-packages.js';

const run = promisify(execFile);
const REPO = new URL('../../', import.meta.url);
const ENTRIES = ['sluice', 'sluice/server', 'sluice/redis', 'sluice/client', 'sluice/protocol'];

// What `npm install` leaves behind: its `prepare` script builds dist/. Built here only when
// src/ changed since the last build, the same rule bin/sluice.js follows.
beforeAll(async () => {
  if (!isBuildCurrent(REPO)) await run('npm', ['run', 'build'], { cwd: REPO, timeout: 300_000 });
}, 320_000);

/** The names each entry exports, imported by package name in plain Node (no tsx). */
async function namesInPlainNode(): Promise<Record<string, string[]>> {
  const script = `const names = {};
    for (const entry of ${JSON.stringify(ENTRIES)}) names[entry] = Object.keys(await import(entry)).sort();
    console.log(JSON.stringify(names));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    cwd: REPO,
    timeout: 60_000,
  });
  return JSON.parse(stdout) as Record<string, string[]>;
}

describe('a checkout after npm install', () => {
  it('resolves every entry point by name in plain Node, exporting what its source does', async () => {
    const built = await namesInPlainNode();
    for (const entry of ENTRIES) {
      const source = (await import(/* @vite-ignore */ entry)) as Record<string, unknown>;
      expect(built[entry], entry).toEqual(Object.keys(source).sort());
    }
  });

  it('loads only zod when plain Node imports sluice', async () => {
    expect(await packagesLoadedBy(`await import('sluice');`)).toEqual(['zod']);
  });
});
