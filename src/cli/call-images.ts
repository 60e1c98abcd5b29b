/** An image found in an event: a URL and its content type. */
export interface ImageReference {
  readonly url: string;
  readonly content_type: string;
}

/** Decoded bytes of an image. */
export interface ImageBytes {
  readonly bytes: Uint8Array;
  readonly contentType: string;
}

const DATA_URI = /^data:([\w.+-]+\/[\w.+-]+)?((?:;[\w-]+=[^;,]*)*)(;base64)?,(.*)$/s;

const EXTENSIONS: Readonly<Record<string, string>> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'image/avif': 'avif',
};

/**
 * Decodes a `data:` URI; `undefined` for any other URL.
 *
 * @example
 * decodeDataUri('data:image/jpeg;base64,/9j/4AAQ…')?.bytes; // the JPEG's bytes
 */
export function decodeDataUri(url: string): ImageBytes | undefined {
  const match = DATA_URI.exec(url);
  if (!match) return undefined;
  const [, contentType = 'text/plain', , base64, payload = ''] = match;
  const bytes = base64
    ? Buffer.from(payload, 'base64')
    : Buffer.from(decodeURIComponent(payload), 'utf8');
  return { bytes: new Uint8Array(bytes), contentType };
}

/**
 * The file extension for a content type (`bin` when unknown).
 *
 * @example
 * extensionFor('image/jpeg'); // 'jpg'
 */
export function extensionFor(contentType: string): string {
  return EXTENSIONS[contentType.split(';')[0]!.trim().toLowerCase()] ?? 'bin';
}

function isImageReference(value: unknown): value is ImageReference {
  if (typeof value !== 'object' || value === null) return false;
  const { url, content_type } = value as Record<string, unknown>;
  return typeof url === 'string' && typeof content_type === 'string';
}

const MAX_DEPTH = 16;

/**
 * Every `{ url, content_type }` object in a JSON value (a result's images), depth first.
 *
 * @example
 * findImages({ images: [{ url: 'data:…', content_type: 'image/png' }] }); // one reference
 */
export function findImages(value: unknown, depth = 0): ImageReference[] {
  if (isImageReference(value)) return [value];
  if (typeof value !== 'object' || value === null || depth >= MAX_DEPTH) return [];
  const children: unknown[] = Array.isArray(value) ? value : Object.values(value);
  return children.flatMap((child) => findImages(child, depth + 1));
}
