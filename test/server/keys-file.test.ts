import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeys, parseKeyList, parseKeysFile } from '../../src/server/api-keys.js';

let directory = '';

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'sluice-keys-'));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function keysOf(text: string): Promise<string[]> {
  const file = join(directory, `keys-${Math.random().toString(36).slice(2)}.txt`);
  await writeFile(file, text);
  return parseKeysFile(await readFile(file, 'utf8'), file);
}

describe('keys files', () => {
  it('take every printable character: # and , inside a key are part of it', async () => {
    const keys = parseKeysFile(await readFile('test/fixtures/keys.txt', 'utf8'));
    expect(keys).toEqual(['file-key', 'hash#tail', 'comma,key', 'spaced-around']);
    const apiKeys = new ApiKeys(keys);
    expect(apiKeys.accepts('Key hash#tail')).toBe(true);
    expect(apiKeys.accepts('Key hash')).toBe(false);
    expect(apiKeys.accepts('Key comma')).toBe(false);
    expect(apiKeys.accepts('Key comma,key')).toBe(true);
  });

  it('read one key per line, with CRLF line ends and comments only at the line start', async () => {
    expect(await keysOf('a\r\n#b\r\n\r\n c#d \r\n')).toEqual(['a', 'c#d']);
    expect(await keysOf('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~')).toEqual([
      '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
    ]);
  });

  it('refuse at load a key no header could carry, naming the line and not the key', async () => {
    await expect(keysOf('good\nsecret with-space\n')).rejects.toThrow(
      /keys-.*\.txt, line 2: an API key may hold only printable ASCII/,
    );
    await expect(keysOf('good\nsecret with-space\n')).rejects.not.toThrow(/secret/);
    await expect(keysOf('clé\n')).rejects.toThrow(/line 1/);
    await expect(keysOf('tab\there\n')).rejects.toThrow(/line 1/);
  });

  it('SLUICE_API_KEYS is comma-separated and refuses keys with spaces', () => {
    expect(parseKeyList(' a, b#c ,,')).toEqual(['a', 'b#c']);
    expect(() => parseKeyList('a, b c')).toThrow(/SLUICE_API_KEYS, key 2/);
  });

  it('ApiKeys refuses a key that could never authenticate', () => {
    expect(() => new ApiKeys(['ok', 'not ok'])).toThrow(/apiKeys\[1\]/);
    expect(new ApiKeys([' padded ']).accepts('Key padded')).toBe(true);
    expect(new ApiKeys([]).accepts('Key anything')).toBe(false);
  });
});
