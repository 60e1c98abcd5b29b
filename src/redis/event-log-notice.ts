/** What an append tells waiters: `<lastSeq>:<ended 0|1>:<requestId>` on the appended channel. */
export interface AppendNotice {
  readonly requestId: string;
  readonly lastSeq: number;
  readonly ended: boolean;
}

/**
 * Reads an append notification; `undefined` for anything else on the channel (such as the
 * subscription probes of every process).
 *
 * @example
 * parseAppendNotice('12:0:3f2a…'); // { requestId: '3f2a…', lastSeq: 12, ended: false }
 */
export function parseAppendNotice(message: string): AppendNotice | undefined {
  const seqEnd = message.indexOf(':');
  if (seqEnd < 1 || message[seqEnd + 2] !== ':') return undefined;
  const lastSeq = Number(message.slice(0, seqEnd));
  const ended = message[seqEnd + 1];
  if (!Number.isInteger(lastSeq) || (ended !== '0' && ended !== '1')) return undefined;
  return { requestId: message.slice(seqEnd + 3), lastSeq, ended: ended === '1' };
}
