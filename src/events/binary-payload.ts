/**
 * An output that is bytes, as JSON carries it: base64 and its content type. Over msgpack it
 * travels as raw bytes ({@link toPackedPayload}); the media view streams the bytes themselves.
 */
export interface BinaryPayload {
  readonly content_type: string;
  readonly data_base64: string;
}

/** Bytes as an app may hand them over. */
export type Bytes = ArrayBuffer | ArrayBufferView;

/** The content type of bytes emitted without one. */
export const DEFAULT_BINARY_TYPE = 'application/octet-stream';

const HEAD = '{"content_type":';

/**
 * Whether a value is bytes: a `Uint8Array` (a `Buffer`), any other typed array or
 * `DataView` (its underlying bytes), or an `ArrayBuffer`.
 *
 * @example
 * isBytes(Buffer.from('hi')); // true
 */
export function isBytes(value: unknown): value is Bytes {
  return value instanceof ArrayBuffer || ArrayBuffer.isView(value);
}

function asUint8Array(bytes: Bytes): Uint8Array {
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * The payload of bytes: base64 and their content type.
 *
 * @example
 * binaryPayload(new Uint8Array([1, 2, 3]), 'audio/wav'); // { content_type: 'audio/wav', data_base64: 'AQID' }
 */
export function binaryPayload(bytes: Bytes, contentType = DEFAULT_BINARY_TYPE): BinaryPayload {
  const view = asUint8Array(bytes);
  const data = Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString('base64');
  return { content_type: contentType, data_base64: data };
}

/** Bytes and their content type, decoded from a payload. */
export interface DecodedBinary {
  readonly contentType: string;
  readonly bytes: Buffer;
}

function isBinaryPayload(value: unknown): value is BinaryPayload {
  if (typeof value !== 'object' || value === null) return false;
  const keys = Object.keys(value);
  const { content_type, data_base64 } = value as Partial<BinaryPayload>;
  return keys.length === 2 && typeof content_type === 'string' && typeof data_base64 === 'string';
}

/**
 * The bytes an output event carries, or undefined when its payload is not a binary one.
 * Cheap for other payloads: only JSON that starts as a binary payload does is parsed.
 *
 * @example
 * binaryOfJson('{"content_type":"audio/wav","data_base64":"AQID"}')?.bytes; // <Buffer 01 02 03>
 */
export function binaryOfJson(json: string): DecodedBinary | undefined {
  if (!json.startsWith(HEAD)) return undefined;
  const payload: unknown = JSON.parse(json);
  if (!isBinaryPayload(payload)) return undefined;
  return {
    contentType: payload.content_type,
    bytes: Buffer.from(payload.data_base64, 'base64'),
  };
}

/**
 * A payload as msgpack carries it: a binary payload becomes `{content_type, data}` with
 * `data` raw bytes (no base64); any other payload is its parsed JSON.
 *
 * @example
 * pack(toPackedPayload(event.json));
 */
export function toPackedPayload(json: string): unknown {
  const binary = binaryOfJson(json);
  if (!binary) return JSON.parse(json);
  return { content_type: binary.contentType, data: new Uint8Array(binary.bytes) };
}
