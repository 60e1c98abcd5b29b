import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { nodeOnCore } from './startup-processes.js';

/** A bench server in a child process pinned to core 1, and the URL it printed. */
export interface ReadyServer {
  readonly url: string;
  readonly child: ChildProcess;
}

/**
 * Starts `script` with `kind` as its argument on core 1 and waits for its `READY <url>` line.
 *
 * @example
 * const server = await startReadyServer('bench/realtime-server.ts', 'echo');
 */
export async function startReadyServer(script: string, kind: string): Promise<ReadyServer> {
  const [command, ...args] = nodeOnCore('1', ['--import', 'tsx', script, kind]);
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise<string>((resolve, reject) => {
    lines.on('line', (line) => line.startsWith('READY ') && resolve(line.slice(6)));
    child.once('exit', () => reject(new Error(`${kind} server exited`)));
  });
  return { url, child };
}

/**
 * Ends a server started by {@link startReadyServer}: it exits when its stdin closes.
 *
 * @example
 * await stopReadyServer(server);
 */
export async function stopReadyServer(server: ReadyServer): Promise<void> {
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.stdin!.end();
  await exited;
}
