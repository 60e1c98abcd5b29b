/** What the parent asks a benchmark server process, over IPC. */
export interface ServerCommand {
  readonly id: number;
  readonly cmd: 'memory' | 'clock' | 'sockets';
}

/** What a benchmark server process sends to the parent. */
export type ServerMessage =
  | { readonly ready: string }
  | { readonly id: number; readonly memory: NodeJS.MemoryUsage }
  | { readonly id: number; readonly clock: number }
  | { readonly id: number; readonly sockets: number };

/**
 * Whether an IPC message is a {@link ServerCommand}.
 *
 * @example
 * process.on('message', (message) => { if (isServerCommand(message)) answer(message); });
 */
export function isServerCommand(message: unknown): message is ServerCommand {
  if (typeof message !== 'object' || message === null) return false;
  const { id, cmd } = message as Record<string, unknown>;
  return typeof id === 'number' && (cmd === 'memory' || cmd === 'clock' || cmd === 'sockets');
}
