import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeDataUri, extensionFor, findImages } from '../../src/cli/call-images.js';
import { createImageSaver } from '../../src/cli/call-output.js';

const JPEG_MAGIC = [0xff, 0xd8, 0xff];
const jpegUri = `data:image/jpeg;base64,${Buffer.from([...JPEG_MAGIC, 0xe0, 1, 2]).toString('base64')}`;

describe('images of sluice call', () => {
  it('decodes base64 and percent-encoded data URIs, and nothing else', () => {
    expect([...decodeDataUri(jpegUri)!.bytes]).toEqual([...JPEG_MAGIC, 0xe0, 1, 2]);
    expect(decodeDataUri(jpegUri)!.contentType).toBe('image/jpeg');
    const text = decodeDataUri('data:text/plain;charset=utf-8,h%C3%A9');
    expect(Buffer.from(text!.bytes).toString('utf8')).toBe('hé');
    expect(decodeDataUri('https://example.com/a.jpg')).toBeUndefined();
  });

  it('maps content types to extensions', () => {
    expect(extensionFor('image/jpeg')).toBe('jpg');
    expect(extensionFor('image/PNG; q=1')).toBe('png');
    expect(extensionFor('application/x-unknown')).toBe('bin');
  });

  it('finds every {url, content_type} in a result, nested in objects and arrays', () => {
    const output = {
      seed: 3,
      image: { url: 'a', content_type: 'image/jpeg', width: 1 },
      extra: { images: [{ url: 'b', content_type: 'image/png' }, { url: 'no type' }] },
    };
    expect(findImages(output).map((image) => image.url)).toEqual(['a', 'b']);
    expect(findImages('text')).toEqual([]);
  });

  it('saves previews by event id and result images by index, as real files', async () => {
    const root = await mkdtemp(join(tmpdir(), 'sluice-call-'));
    try {
      const outDir = join(root, 'nested', 'out');
      const saver = createImageSaver(outDir);
      const preview = await saver.savePreview(7, {
        image: { url: jpegUri, content_type: 'image/jpeg' },
      });
      const results = await saver.saveResult({
        images: [{ url: jpegUri, content_type: 'image/jpeg' }],
      });
      expect(preview).toBe(join(outDir, 'preview-0007.jpg'));
      expect(results).toEqual([join(outDir, 'result-0.jpg')]);
      expect((await readdir(outDir)).sort()).toEqual(['preview-0007.jpg', 'result-0.jpg']);
      expect([...(await readFile(results[0]!)).subarray(0, 3)]).toEqual(JPEG_MAGIC);
      expect(
        await saver.savePreview(8, {
          image: { url: 'https://x/y.jpg', content_type: 'image/jpeg' },
        }),
      ).toBeUndefined();
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
