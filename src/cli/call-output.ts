import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StreamEvent } from '../client/index.js';
import { decodeDataUri, extensionFor, findImages, type ImageBytes } from './call-images.js';

const DOWNLOAD_TIMEOUT_MS = 30_000;

async function download(url: string, contentType: string): Promise<ImageBytes | undefined> {
  if (!/^https?:\/\//i.test(url)) return undefined;
  const response = await fetch(url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`downloading ${url} failed with HTTP ${response.status}`);
  return { bytes: new Uint8Array(await response.arrayBuffer()), contentType };
}

/** Saves the images of a `sluice call` to its `--out` directory. */
export interface ImageSaver {
  /** Saves a preview event's image as `preview-<id>.<ext>`; resolves with the file's path. */
  readonly savePreview: (eventId: number, data: unknown) => Promise<string | undefined>;
  /** Saves every `{url, content_type}` image in the output as `result-<n>.<ext>`. */
  readonly saveResult: (output: unknown) => Promise<string[]>;
}

/**
 * An {@link ImageSaver} writing into `outDir` (created if missing). `data:` URIs are decoded;
 * `http(s)` URLs in the result are downloaded.
 *
 * @example
 * const saver = createImageSaver('out');
 * await saver.savePreview(7, event.data); // 'out/preview-0007.jpg'
 */
export function createImageSaver(outDir: string): ImageSaver {
  let created: Promise<unknown> | undefined;
  const save = async (name: string, image: ImageBytes) => {
    created ??= mkdir(outDir, { recursive: true });
    await created;
    const path = join(outDir, `${name}.${extensionFor(image.contentType)}`);
    await writeFile(path, image.bytes);
    return path;
  };
  return {
    savePreview: async (eventId, data) => {
      const [image] = findImages(data);
      const decoded = image && decodeDataUri(image.url);
      if (!decoded) return undefined;
      return save(`preview-${String(eventId).padStart(4, '0')}`, decoded);
    },
    saveResult: async (output) => {
      const paths: string[] = [];
      for (const [index, image] of findImages(output).entries()) {
        const decoded = decodeDataUri(image.url) ?? (await download(image.url, image.content_type));
        if (decoded) paths.push(await save(`result-${index}`, decoded));
      }
      return paths;
    },
  };
}

/** What `sluice call` does with images: save previews as they come, the result's at the end. */
export interface CallImages {
  readonly onEvent: (event: StreamEvent) => void;
  /** Saves the output's images (none for `undefined`), waits for every save; the result's paths. */
  readonly saveResult: (output: unknown) => Promise<string[]>;
}

/**
 * Saves what `--out` asks for (nothing without it); a failed save is reported through
 * `warn` and does not stop the call.
 *
 * @example
 * const images = callImages('out', (error) => console.error(error.message));
 * images.onEvent(event);
 * await images.saveResult(output);
 */
export function callImages(outDir: string | undefined, warn: (error: Error) => void): CallImages {
  const saver = outDir === undefined ? undefined : createImageSaver(outDir);
  const pending: Promise<unknown>[] = [];
  const report = (error: unknown) =>
    warn(error instanceof Error ? error : new Error(String(error)));
  return {
    onEvent: (event) => {
      if (saver && event.type === 'preview')
        pending.push(saver.savePreview(event.id, event.data).catch(report));
    },
    saveResult: async (output) => {
      const saved =
        saver && output !== undefined ? saver.saveResult(output).catch(report) : undefined;
      await Promise.all(pending);
      return (await saved) ?? [];
    },
  };
}
