import { C1, Packr, Unpackr } from 'msgpackr';
import { toAsciiJson } from '../../events/ascii-json.js';
import { toPackedPayload } from '../../events/binary-payload.js';
import { SluiceError } from '../../errors/sluice-error.js';

/** How a message travels: JSON in a text frame, or msgpack in a binary frame. */
export type FrameEncoding = 'json' | 'msgpack';

/** A message in, decoded: its value, or why it could not be read. */
export type DecodedFrame =
  | { readonly ok: true; readonly value: unknown; readonly encoding: FrameEncoding }
  | { readonly ok: false; readonly error: SluiceError; readonly encoding: FrameEncoding };

// Plain maps and arrays only: what every msgpack library (fal's included) reads back.
const packr = new Packr({ useRecords: false, variableMapSize: true });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });

function decodeJson(data: Buffer): DecodedFrame {
  try {
    return { ok: true, value: JSON.parse(data.toString('utf8')) as unknown, encoding: 'json' };
  } catch {
    const error = new SluiceError('invalid_json', 'The message is not valid JSON');
    return { ok: false, error, encoding: 'json' };
  }
}

function decodeMsgpack(data: Buffer): DecodedFrame {
  const refused = (): DecodedFrame => ({
    ok: false,
    error: new SluiceError('bad_request', 'The message is not valid msgpack'),
    encoding: 'msgpack',
  });
  try {
    const value: unknown = unpackr.unpack(data); // throws on a truncated or padded message
    return value === C1 ? refused() : { ok: true, value, encoding: 'msgpack' };
  } catch {
    return refused();
  }
}

/**
 * Decodes one message in: a text frame as JSON, a binary frame as msgpack. Never throws:
 * a message that cannot be read comes back with its error (`invalid_json` or
 * `bad_request`), answered in the encoding it came in.
 *
 * @example
 * decodeFrame(Buffer.from('{"prompt":"a cat"}'), false); // { ok: true, value: { prompt: 'a cat' }, encoding: 'json' }
 */
export function decodeFrame(data: Buffer, isBinary: boolean): DecodedFrame {
  return isBinary ? decodeMsgpack(data) : decodeJson(data);
}

/**
 * Encodes one message out in kind: ASCII-only JSON text, or a msgpack binary frame.
 *
 * @example
 * encodeFrame({ request_id: id, text: 'hi' }, 'msgpack'); // a Buffer
 */
export function encodeFrame(message: unknown, encoding: FrameEncoding): string | Buffer {
  return encoding === 'json' ? toAsciiJson(message) : packr.pack(message);
}

/**
 * A logged payload as a message out carries it: its parsed JSON over JSON; over msgpack a
 * binary payload (`{content_type, data_base64}`) becomes `{content_type, data}` with `data`
 * raw bytes (a msgpack `bin`), and any other payload is its parsed JSON.
 *
 * @example
 * payloadOf('{"content_type":"image/png","data_base64":"iVBO"}', 'msgpack'); // { content_type: 'image/png', data: Uint8Array }
 */
export function payloadOf(json: string, encoding: FrameEncoding): unknown {
  return encoding === 'msgpack' ? toPackedPayload(json) : (JSON.parse(json) as unknown);
}
