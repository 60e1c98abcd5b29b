/**
 * What an append tells waiters: `<lastSeq>:<ended 0|1>:<requestId>` on the appended channel,
 * then, when the batch was small, `\n<seq before it>\n<entries>` (see `noticeTail`).
 */
export interface AppendNotice {
  readonly requestId: string;
  readonly lastSeq: number;
  readonly ended: boolean;
  /** The batch's stored entries, unparsed: `<seq before it>\n<entries JSON>`. */
  readonly tail?: string | undefined;
}

/**
 * Reads an append notification; `undefined` for anything else on the channel (such as the
 * subscription probes of every process). The tail is left as text: only a process that
 * follows the request reads it.
 *
 * @example
 * parseAppendNotice('12:0:3f2a…'); // { requestId: '3f2a…', lastSeq: 12, ended: false, tail: undefined }
 */
export function parseAppendNotice(message: string): AppendNotice | undefined {
  const seqEnd = message.indexOf(':');
  if (seqEnd < 1 || message[seqEnd + 2] !== ':') return undefined;
  const lastSeq = Number(message.slice(0, seqEnd));
  const ended = message[seqEnd + 1];
  if (!Number.isInteger(lastSeq) || (ended !== '0' && ended !== '1')) return undefined;
  const headerEnd = message.indexOf('\n', seqEnd + 3);
  const requestId = message.slice(seqEnd + 3, headerEnd === -1 ? undefined : headerEnd);
  const tail = headerEnd === -1 ? undefined : message.slice(headerEnd + 1);
  return { requestId, lastSeq, ended: ended === '1', tail };
}
