import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineApp, isApp } from '../../src/app/define-app.js';

const input = z.object({ text: z.string() });
const run = () => ({ ok: true });

function appWith(options: { id?: string; path?: string; previewQuality?: number }) {
  const endpoints = options.path === undefined ? {} : { [options.path]: { input, run } };
  return defineApp({
    id: options.id ?? 'demo/text',
    input,
    run,
    endpoints,
    previewQuality: options.previewQuality,
  });
}

describe('defineApp ids', () => {
  it.each(['demo/text', 'Owner-1/name.v2_x', 'a/b', '0wner/9', 'flux', 'noslash'])(
    'accepts %s',
    (id) => {
      expect(appWith({ id }).id).toBe(id);
    },
  );

  it.each([
    'a/b/c',
    '/name',
    'owner/',
    '',
    '.owner/name',
    'owner/-name',
    'own er/name',
    'owner/na?me',
    `${'a'.repeat(65)}/name`,
  ])('rejects the malformed id %j', (id) => {
    expect(() => appWith({ id })).toThrow(TypeError);
  });

  it.each([
    'queue/x',
    'apps/x',
    'health/x',
    'ready/x',
    'metrics/x',
    'docs/x',
    'openapi.json/x',
    'v1/chat',
    'tokens/x',
    'playground/x',
  ])('rejects the reserved owner of %s', (id) => {
    expect(() => appWith({ id })).toThrow(/reserved owner/);
  });

  it('treats reserved owners case-insensitively', () => {
    expect(() => appWith({ id: 'Queue/x' })).toThrow(/reserved owner/);
  });
});

describe('defineApp endpoints', () => {
  it('serves the default endpoint under the empty path', () => {
    const app = appWith({});
    expect([...app.endpoints.keys()]).toEqual(['']);
    expect(app.endpoints.get('')!.path).toBe('');
  });

  it.each(['/img2img', '/a/b', '/Upscale_2x', '/v-1'])('accepts the sub-path %s', (path) => {
    const app = appWith({ path });
    expect([...app.endpoints.keys()]).toEqual(['', path]);
    expect(app.endpoints.get(path)!.path).toBe(path);
  });

  it.each(['img2img', '/', '/a//b', '/a/', '/-x', '/a.b', '/a b', '/ü'])(
    'rejects the malformed path %j',
    (path) => {
      expect(() => appWith({ path })).toThrow(TypeError);
    },
  );

  it.each(['/stream', '/requests', '/status', '/cancel', '/realtime', '/x/stream', '/Stream'])(
    'rejects the reserved word in %s',
    (path) => {
      expect(() => appWith({ path })).toThrow(/reserved word/);
    },
  );
});

describe('defineApp options', () => {
  it('defaults previewQuality to 70 and keeps a valid one', () => {
    expect(appWith({}).previewQuality).toBe(70);
    expect(appWith({ previewQuality: 1 }).previewQuality).toBe(1);
    expect(appWith({ previewQuality: 100 }).previewQuality).toBe(100);
  });

  it.each([0, 101, 50.5, Number.NaN, -1])('rejects previewQuality %s', (previewQuality) => {
    expect(() => appWith({ previewQuality })).toThrow(/previewQuality/);
  });

  it('has a setup that returns undefined when none is given', () => {
    expect(appWith({}).setup()).toBeUndefined();
  });

  it('keeps a valid timeoutSeconds', () => {
    expect(defineApp({ id: 'demo/t', input, run, timeoutSeconds: 0.5 }).timeoutSeconds).toBe(0.5);
    expect(defineApp({ id: 'demo/t', input, run }).timeoutSeconds).toBeUndefined();
  });

  // Node fires a timer whose delay is not in 1..2^31-1 ms after 1 ms: without this check,
  // every run of such an app ends with `timeout` at once.
  it.each([0, -1, Number.NaN, Infinity, 30 * 24 * 3600])(
    'rejects timeoutSeconds %s',
    (timeoutSeconds) => {
      expect(() => defineApp({ id: 'demo/t', input, run, timeoutSeconds })).toThrow(TypeError);
    },
  );
});

describe('isApp', () => {
  it('recognises a defined app', () => {
    expect(isApp(appWith({}))).toBe(true);
  });

  it('recognises an app branded by another copy of sluice', () => {
    expect(isApp({ [Symbol.for('sluice.app')]: true })).toBe(true);
  });

  it.each([null, undefined, 'demo/text', 42, {}, { id: 'demo/text', endpoints: new Map() }])(
    'rejects %j',
    (value) => {
      expect(isApp(value)).toBe(false);
    },
  );
});
