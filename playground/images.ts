/** An image a page can show: `{url, content_type}`, as previews and fal outputs carry them. */
export interface ImageRef {
  readonly url: string;
  readonly content_type: string;
}

function isImage(value: unknown): value is ImageRef {
  if (typeof value !== 'object' || value === null) return false;
  const { url, content_type } = value as Record<string, unknown>;
  return typeof url === 'string' && typeof content_type === 'string';
}

/**
 * The images an event payload carries in `image` or `images`.
 *
 * @example
 * imagesIn({ image: { url: 'data:image/jpeg;base64,…', content_type: 'image/jpeg' } }).length; // 1
 */
export function imagesIn(payload: unknown): ImageRef[] {
  if (typeof payload !== 'object' || payload === null) return [];
  const { image, images } = payload as Record<string, unknown>;
  const found = isImage(image) ? [image] : [];
  if (Array.isArray(images)) found.push(...images.filter(isImage));
  return found;
}

const LONG_STRING = 120;

/**
 * JSON for reading: pretty-printed, with long strings (data URIs) shortened. Copy buttons
 * copy the full `JSON.stringify` instead.
 *
 * @example
 * readableJson({ url: 'data:image/jpeg;base64,' + 'A'.repeat(5000) });
 */
export function readableJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, item: unknown) =>
      typeof item === 'string' && item.length > LONG_STRING
        ? `${item.slice(0, 60)}… (${item.length} characters)`
        : item,
    2,
  );
}

/**
 * A file extension for an image's content type.
 *
 * @example
 * extensionOf('image/png'); // 'png'
 */
export function extensionOf(contentType: string): string {
  const subtype = contentType.split(';')[0]?.split('/')[1]?.trim().toLowerCase() ?? '';
  if (subtype === 'jpeg') return 'jpg';
  return /^[a-z0-9]+$/.test(subtype) ? subtype : 'bin';
}
