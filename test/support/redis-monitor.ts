import { connect, type Socket } from 'node:net';
import { once } from 'node:events';

/** One command as Redis's `MONITOR` reports it. */
export interface MonitoredCommand {
  /** The command's name and arguments, unescaped. */
  readonly args: readonly string[];
  /** `lua` for a command a script ran, else the client's `host:port`. */
  readonly source: string;
}

/** The commands a Redis runs, from the moment `watchCommands` resolves until `close`. */
export interface CommandWatch extends AsyncDisposable {
  readonly commands: readonly MonitoredCommand[];
  close(): Promise<void>;
}

/**
 * Watches every command a Redis runs, over a raw `MONITOR` connection.
 *
 * ioredis's own `monitor()` only enters its monitoring mode after `MONITOR`'s reply has been
 * handled, so a command reported in the same read as that reply breaks its command queue.
 * This reads the protocol itself: after `+OK`, every line is one command.
 *
 * @example
 * await using watch = await watchCommands(redis.url);
 * await work();
 * const adds = watch.commands.filter(({ args }) => args[0] === 'xadd');
 */
export async function watchCommands(url: string): Promise<CommandWatch> {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port || 6379) });
  await once(socket, 'connect');
  const commands: MonitoredCommand[] = [];
  const confirmed = readLines(socket, (line) => {
    if (line !== '+OK') commands.push(parseMonitorLine(line));
  });
  socket.write('MONITOR\r\n');
  await confirmed;
  const close = async (): Promise<void> => {
    if (socket.destroyed) return;
    socket.destroy();
    await once(socket, 'close');
  };
  return { commands, close, [Symbol.asyncDispose]: close };
}

/**
 * Calls `onLine` for each CRLF-ended line; resolves once the first has arrived, or rejects
 * if it is an error reply.
 */
function readLines(socket: Socket, onLine: (line: string) => void): Promise<void> {
  let pending = '';
  return new Promise((resolve, reject) => {
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      pending += chunk.toString('latin1');
      let end: number;
      while ((end = pending.indexOf('\r\n')) >= 0) {
        const line = pending.slice(0, end);
        pending = pending.slice(end + 2);
        if (line.startsWith('-')) {
          reject(new Error(`MONITOR refused: ${line}`));
          socket.destroy();
          return;
        }
        onLine(line);
        resolve();
      }
    });
  });
}

const LINE = /^\+[\d.]+ \[\d+ ([^\]]+)\] (.*)$/;
const QUOTED = /"((?:[^"\\]|\\.)*)"/g;

/** `+1700000000.123456 [0 127.0.0.1:5000] "set" "a\"b"` → `{ args: ['set', 'a"b'], source }`. */
export function parseMonitorLine(line: string): MonitoredCommand {
  const match = LINE.exec(line);
  if (!match) throw new Error(`not a MONITOR line: ${line}`);
  const args = [...match[2]!.matchAll(QUOTED)].map(([, quoted]) => unescapeRepr(quoted!));
  return { args, source: match[1]! };
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', a: '\x07', b: '\b' };

/** Undoes Redis's `sdscatrepr`: `\\`, `\"`, `\n`, `\r`, `\t`, `\a`, `\b` and `\xHH`. */
function unescapeRepr(text: string): string {
  return text.replace(/\\(x[0-9a-f]{2}|.)/g, (_escape, code: string) => {
    if (code.length === 3) return String.fromCharCode(Number.parseInt(code.slice(1), 16));
    return ESCAPES[code] ?? code;
  });
}
