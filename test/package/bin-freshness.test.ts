import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, utimes, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isBuildCurrent } from '../../bin/build-freshness.js';

const run = promisify(execFile);
const REPO = new URL('../../', import.meta.url);
const BUILT = 'dist/cli/main.js';
const SOURCE = 'src/cli/main.ts';

/**
 * A package folder with the real bin/ and a stand-in CLI in dist/ and in src/ that each
 * print where they came from.
 */
async function packageFolder(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'sluice-bin-'));
  await mkdir(join(root, 'bin'));
  await mkdir(join(root, 'dist/cli'), { recursive: true });
  await mkdir(join(root, 'src/cli'), { recursive: true });
  for (const file of ['sluice.js', 'build-freshness.js']) {
    await copyFile(new URL(`bin/${file}`, REPO), join(root, 'bin', file));
  }
  await symlink(new URL('node_modules', REPO).pathname, join(root, 'node_modules'));
  await writeFile(join(root, 'package.json'), '{ "type": "module" }');
  await writeFile(join(root, BUILT), "console.log('dist');");
  await writeFile(join(root, SOURCE), "console.log('src' as string);");
  return root;
}

/** Sets a file's modification time to `secondsAgo` before now. */
function age(path: string, secondsAgo: number): Promise<void> {
  const time = new Date(Date.now() - secondsAgo * 1000);
  return utimes(path, time, time);
}

async function cliRunBy(root: string): Promise<string> {
  const { stdout } = await run(process.execPath, [join(root, 'bin/sluice.js')], {
    timeout: 30_000,
  });
  return stdout.trim();
}

describe('bin/sluice.js never runs a dist/ older than src/', () => {
  let root = '';
  const rootUrl = () => new URL(`file://${root}/`);

  beforeEach(async () => {
    root = await packageFolder();
    for (const path of [SOURCE, 'src/cli', 'src']) await age(join(root, path), 60);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('runs dist/ when it was built after the last change to src/', async () => {
    expect(isBuildCurrent(rootUrl())).toBe(true);
    expect(await cliRunBy(root)).toBe('dist');
  });

  it('runs src/ through tsx when a source changed after the build', async () => {
    await age(join(root, BUILT), 120);
    expect(isBuildCurrent(rootUrl())).toBe(false);
    expect(await cliRunBy(root)).toBe('src');
  });

  it('counts a source added or deleted after the build as a change', async () => {
    await age(join(root, BUILT), 30); // built before the change, clear of the clock's granularity
    await writeFile(join(root, 'src/cli/added.ts'), '');
    expect(isBuildCurrent(rootUrl())).toBe(false);
    await rm(join(root, 'src/cli/added.ts'));
    await age(join(root, 'src'), 60);
    expect(isBuildCurrent(rootUrl())).toBe(false); // src/cli/ changed: a file went away
  });

  it('runs src/ when there is no build, and dist/ when there are no sources', async () => {
    await rm(join(root, 'dist'), { recursive: true });
    expect(await cliRunBy(root)).toBe('src');
    await mkdir(join(root, 'dist/cli'), { recursive: true });
    await writeFile(join(root, BUILT), "console.log('dist');");
    await rm(join(root, 'src'), { recursive: true });
    expect(await cliRunBy(root)).toBe('dist');
  });
});
