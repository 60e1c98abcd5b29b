import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { CALL_USAGE, parseCallArguments, parseInputJson } from '../../src/cli/call-arguments.js';

describe('sluice call arguments', () => {
  it('reads the app, input, path, url, key and out directory', () => {
    const parsed = parseCallArguments(
      [
        'demo/image',
        '--input',
        '{"steps":4}',
        '--path',
        '/img2img',
        '--url',
        'http://10.0.0.2:9000',
        '--key',
        'k1',
        '--out',
        'out',
      ],
      {},
    );
    expect(parsed).toEqual({
      kind: 'call',
      call: {
        appId: 'demo/image',
        input: { text: '{"steps":4}' },
        path: '/img2img',
        url: 'http://10.0.0.2:9000',
        apiKey: 'k1',
        outDir: 'out',
      },
    });
  });

  it('defaults: input {}, the local server, the key from SLUICE_API_KEY', () => {
    const parsed = parseCallArguments(['demo/text'], { SLUICE_API_KEY: 'from-env' });
    expect(parsed).toMatchObject({
      kind: 'call',
      call: { input: { text: '{}' }, url: 'http://127.0.0.1:8000', apiKey: 'from-env' },
    });
    expect(parseCallArguments(['demo/text'], { SLUICE_API_KEY: '' })).toMatchObject({
      call: { apiKey: undefined },
    });
  });

  it('--input @file names a file to read', () => {
    expect(parseCallArguments(['demo/text', '--input', '@in.json'], {})).toMatchObject({
      call: { input: { file: 'in.json' } },
    });
  });

  it('--help asks for help', () => {
    expect(parseCallArguments(['--help'], {})).toEqual({ kind: 'help' });
  });

  it.each([
    [['not/an/app-id'], 'the app id must look like owner/name or name'],
    [['not an app id'], 'the app id must look like owner/name or name'],
    [[], 'name the app to call'],
    [['demo/text', 'extra'], 'unexpected argument "extra"'],
    [['demo/text', '--colour', 'red'], "Unknown option '--colour'"],
    [['demo/text', '--path', 'img2img'], '--path must start with "/"'],
    [['demo/text', '--url', 'localhost:8000'], '--url must be an http:// or https:// URL'],
  ])('%j is a usage error: %s', (argv, message) => {
    const parsed = parseCallArguments(argv, {});
    expect(parsed.kind).toBe('usage-error');
    expect(parsed.kind === 'usage-error' && parsed.message).toContain(message);
  });

  it('input JSON: parsed, or a message naming --input and the parser’s reason', () => {
    expect(parseInputJson('{"a":[1,"é"]}')).toEqual({ ok: true, input: { a: [1, 'é'] } });
    const bad = parseInputJson('{a:1}');
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.message).toMatch(/^--input is not valid JSON \(.+\)$/);
  });
});

describe('docs/cli.md', () => {
  it('documents every option and exit code of sluice call', async () => {
    const doc = await readFile(new URL('../../docs/cli.md', import.meta.url), 'utf8');
    for (const option of CALL_USAGE.match(/--[a-z-]+/g) ?? []) expect(doc).toContain(`\`${option}`);
    for (const code of ['0', '1', '2', '130']) expect(doc).toMatch(new RegExp(`\\| ${code} +\\|`));
  });
});
