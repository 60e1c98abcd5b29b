/** A data URI longer than this is shown shortened. */
const LONGEST_SHOWN = 80;
const HEAD_KEPT = 40;

function sizeOf(characters: number, base64: boolean): string {
  const bytes = base64 ? Math.floor((characters * 3) / 4) : characters;
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function shortened(uri: string, savedTo: string | undefined): string {
  const comma = uri.indexOf(',');
  const header = uri.slice(0, comma + 1);
  const payload = uri.slice(comma + 1);
  const size = sizeOf(payload.length, header.includes(';base64'));
  const saved = savedTo === undefined ? '' : `, saved to ${savedTo}`;
  return `${uri.slice(0, Math.max(HEAD_KEPT, header.length + 8))}… (${size}${saved})`;
}

/**
 * The output as `sluice call` prints it in a terminal: every long `data:` URI cut to its
 * start and size, and, for the images `--out` saved, where each went (in the order
 * `findImages` finds them).
 *
 * @example
 * shortenDataUris({ image: { url: 'data:image/jpeg;base64,/9j/…', content_type: 'image/jpeg' } }, ['out/result-0.jpg']);
 * // { image: { url: 'data:image/jpeg;base64,/9j/4AAQSkZJRgABAQAAAQABAAD… (48.2 KB, saved to out/result-0.jpg)', … } }
 */
export function shortenDataUris(output: unknown, savedPaths: readonly string[] = []): unknown {
  let imageIndex = 0;
  const visit = (value: unknown): unknown => {
    if (typeof value === 'string') {
      if (!value.startsWith('data:') || value.length <= LONGEST_SHOWN) return value;
      return shortened(value, undefined);
    }
    if (Array.isArray(value)) return value.map(visit);
    if (typeof value !== 'object' || value === null) return value;
    const record = value as Record<string, unknown>;
    const isImage = typeof record.url === 'string' && typeof record.content_type === 'string';
    const savedTo = isImage ? savedPaths[imageIndex++] : undefined;
    return Object.fromEntries(
      Object.entries(record).map(([key, entry]) => [
        key,
        isImage && key === 'url' && typeof entry === 'string' && entry.startsWith('data:')
          ? entry.length <= LONGEST_SHOWN && savedTo === undefined
            ? entry
            : shortened(entry, savedTo)
          : visit(entry),
      ]),
    );
  };
  return visit(output);
}
