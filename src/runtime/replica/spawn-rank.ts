import { fork, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { LinkMessage } from './link-batch.js';
import { FrameReader, REPLICA_LINK_FD, UnreadableFrameError } from './link-frames.js';

const here = fileURLToPath(import.meta.url);
/** The replica entry next to this file: `.ts` in a checkout, `.js` once built. */
const ENTRY = fileURLToPath(new URL(`./replica-main${extname(here)}`, import.meta.url));
/**
 * Node flags that load the entry. Built, none: the replica registers tsx itself once it
 * meets a TypeScript app file, so sluice's own modules load without the loader's hooks.
 * In a checkout, tsx's ESM hooks (resolved from sluice itself so users need not install
 * it) load the TypeScript entry.
 */
const ENTRY_FLAGS = ENTRY.endsWith('.ts')
  ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href]
  : [];

/**
 * Forks one rank process of a replica with an IPC channel that uses structured clone
 * (`serialization: 'advanced'`), so typed arrays cross without JSON, for what the parent
 * sends, and a pipe for what the rank sends (see {@link readRankLink}). tsx loads the
 * app's TypeScript, as the CLI does (see `importUserModule`).
 *
 * @example
 * const child = spawnRank({ environment: rankEnvironment(...), nodeOptions: [] });
 */
export function spawnRank(options: {
  readonly environment: Record<string, string>;
  /** Extra Node flags, such as `--max-old-space-size=64`. */
  readonly nodeOptions: readonly string[];
}): ChildProcess {
  return fork(ENTRY, [], {
    execArgv: [...ENTRY_FLAGS, ...options.nodeOptions],
    env: { ...process.env, ...options.environment },
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc', 'pipe'],
  });
}

/**
 * Reads what a rank forked by {@link spawnRank} sends: calls `listener` with the messages of
 * each frame, in order. Resolves once the rank's pipe has closed and everything it wrote
 * has been handed on. Bytes that are no frame (something in the rank wrote to its pipe
 * besides sluice) stop the reading: `onUnreadable` is told, and the pipe is closed.
 *
 * @example
 * const closed = readRankLink(child, (messages) => messages.forEach(receive), fail);
 */
export function readRankLink(
  child: ChildProcess,
  listener: (messages: LinkMessage[]) => void,
  onUnreadable: (error: Error) => void,
): Promise<void> {
  const pipe = child.stdio[REPLICA_LINK_FD] as Readable;
  const reader = new FrameReader(listener);
  pipe.on('data', (chunk: Buffer) => {
    try {
      reader.push(chunk);
    } catch (error) {
      if (!(error instanceof UnreadableFrameError)) throw error; // the listener's own
      pipe.destroy();
      onUnreadable(error);
    }
  });
  pipe.on('error', () => undefined); // a rank that dies mid-write: its exit says so
  return new Promise((resolve) => pipe.once('close', () => resolve()));
}
