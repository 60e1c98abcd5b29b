import sharp from 'sharp';

const JPEG_DATA_URI = 'data:image/jpeg;base64,';

/** What a JPEG data URI decodes to. */
export interface DecodedJpeg {
  readonly format: string | undefined;
  readonly width: number | undefined;
  readonly height: number | undefined;
}

/**
 * Decodes a JPEG data URI's header with sharp; throws when it is not one.
 *
 * @example
 * expect(await decodeJpegDataUri(url)).toMatchObject({ format: 'jpeg', width: 64 });
 */
export async function decodeJpegDataUri(url: string): Promise<DecodedJpeg> {
  if (!url.startsWith(JPEG_DATA_URI)) throw new Error('Not a JPEG data URI');
  const bytes = Buffer.from(url.slice(JPEG_DATA_URI.length), 'base64');
  const { format, width, height } = await sharp(bytes).metadata();
  return { format, width, height };
}
