import type * as Sharp from 'sharp';
import type { ImagePreview } from '../events/event-types.js';

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

type SharpModule = typeof Sharp;

let sharpModule: Promise<SharpModule> | undefined;

/**
 * sharp loads its native library on first use only: an app that never previews, and every
 * process that merely imports `sluice`, does not pay for it.
 */
function loadSharp(): Promise<SharpModule> {
  sharpModule ??= import('sharp');
  return sharpModule;
}

/**
 * The arguments of `sharp()`. Raw pixels are copied now, before anything awaits: encoding
 * finishes later, on another thread, and the app may reuse its buffer.
 */
function sharpArguments(source: PreviewSource): [Uint8Array, Sharp.SharpOptions?] {
  if (!isRawImage(source)) return [source];
  checkRawImage(source);
  const { data, width, height, channels } = source;
  return [Buffer.from(data), { raw: { width, height, channels } }];
}

/**
 * Encodes an image as a JPEG data URI in the shape fal's playground renders.
 *
 * @example
 * const payload = await encodePreview({ data, width: 64, height: 64, channels: 3 }, 70);
 * payload.image.url; // 'data:image/jpeg;base64,…'
 */
export async function encodePreview(source: PreviewSource, quality: number): Promise<ImagePreview> {
  const [input, options] = sharpArguments(source);
  const { default: sharp } = await loadSharp();
  const { data, info } = await sharp(input, options)
    .flatten({ background: '#ffffff' })
    .jpeg({ quality })
    .toBuffer({ resolveWithObject: true });
  const url = `data:image/jpeg;base64,${data.toString('base64')}`;
  return { image: { url, content_type: 'image/jpeg', width: info.width, height: info.height } };
}
