import { wallClockMs } from './clock.js';
import { isServerCommand, type ServerCommand, type ServerMessage } from './server-protocol.js';

function collectGarbage(): void {
  if (globalThis.gc === undefined) throw new Error('run the server with --expose-gc');
  globalThis.gc();
  globalThis.gc();
}

function openTcpSockets(): number {
  return process.getActiveResourcesInfo().filter((resource) => resource === 'TCPSocketWrap').length;
}

function answer(command: ServerCommand): ServerMessage {
  switch (command.cmd) {
    case 'memory':
      collectGarbage();
      return { id: command.id, memory: process.memoryUsage() };
    case 'clock':
      return { id: command.id, clock: wallClockMs() };
    case 'sockets':
      return { id: command.id, sockets: openTcpSockets() };
  }
}

function send(message: ServerMessage): void {
  process.send?.(message);
}

/**
 * Runs the child side of the benchmark IPC: announces `url`, answers the parent's commands,
 * and exits when the parent goes away (so no server outlives a crashed run).
 *
 * @example
 * serveCommands(await gateway.listen({ host: '127.0.0.1', port: 0 }), () => gateway.close());
 */
export function serveCommands(url: string, close: () => Promise<void>): void {
  if (process.send === undefined) throw new Error('start this server with child_process.fork');
  process.on('message', (message: unknown) => {
    if (isServerCommand(message)) send(answer(message));
  });
  process.on('disconnect', () => {
    const exit = () => process.exit(0);
    close().then(exit, exit);
    setTimeout(exit, 2_000).unref();
  });
  send({ ready: url });
}
