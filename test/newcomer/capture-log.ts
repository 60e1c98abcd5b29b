import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

/** One parsed pino line. */
export type LogLine = Record<string, unknown>;

/**
 * A pino logger whose lines land in `lines`, parsed.
 *
 * @example
 * const { logger, lines } = capturingLogger();
 */
export function capturingLogger(level = 'info'): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  return { logger: pino({ level }, stream), lines };
}
