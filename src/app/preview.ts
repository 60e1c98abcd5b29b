import sharp, { type Sharp } from 'sharp';
import type { PreviewPayload } from '../events/event-types.js';

/** Raw pixels, row-major, 8 bits per channel. */
export interface RawImage {
  readonly data: Uint8Array | Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
  readonly channels: 3 | 4;
}

/** What `ctx.preview` accepts: raw RGB/RGBA pixels, or an encoded image (PNG, JPEG, WebP…). */
export type PreviewSource = RawImage | Uint8Array;

function isRawImage(source: PreviewSource): source is RawImage {
  return !(source instanceof Uint8Array);
}

function checkRawImage(image: RawImage): void {
  const { width, height, channels, data } = image;
  const validSize = Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0;
  if (!validSize) throw new TypeError('Preview width and height must be positive integers');
  if (channels !== 3 && channels !== 4) throw new TypeError('Preview channels must be 3 or 4');
  if (data.length !== width * height * channels) {
    throw new TypeError('Preview data length must be width × height × channels');
  }
}

function toSharp(source: PreviewSource): Sharp {
  if (!isRawImage(source)) return sharp(source);
  checkRawImage(source);
  const { data, width, height, channels } = source;
  // A copy: encoding finishes later, on another thread, and the app may reuse its buffer.
  const pixels = Buffer.from(data);
  return sharp(pixels, { raw: { width, height, channels } });
}

/**
 * Encodes an image as a JPEG data URI in the shape fal's playground renders.
 *
 * @example
 * const payload = await encodePreview({ data, width: 64, height: 64, channels: 3 }, 70);
 * payload.image.url; // 'data:image/jpeg;base64,…'
 */
export async function encodePreview(
  source: PreviewSource,
  quality: number,
): Promise<PreviewPayload> {
  const { data, info } = await toSharp(source)
    .flatten({ background: '#ffffff' })
    .jpeg({ quality })
    .toBuffer({ resolveWithObject: true });
  const url = `data:image/jpeg;base64,${data.toString('base64')}`;
  return { image: { url, content_type: 'image/jpeg', width: info.width, height: info.height } };
}
