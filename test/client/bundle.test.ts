import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

function bundle(entry: { readonly entryPoints: string[] } | { readonly stdin: string }) {
  return build({
    ...('stdin' in entry
      ? { stdin: { contents: entry.stdin, resolveDir: root, loader: 'ts' as const } }
      : { entryPoints: entry.entryPoints }),
    absWorkingDir: root,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
}

describe('the sluice/client bundle for browsers', () => {
  it('builds with no Node built-ins, from the client, the errors and eventsource-parser only', async () => {
    const result = await bundle({ entryPoints: ['src/client/index.ts'] });
    expect(result.errors).toEqual([]);
    const inputs = Object.keys(result.metafile.inputs);
    const outside = inputs.filter(
      (input) =>
        !input.startsWith('src/client/') &&
        !input.startsWith('src/errors/') &&
        !/(^|\/)node_modules\/eventsource-parser\//.test(input),
    );
    expect(outside).toEqual([]);
    expect(inputs).toContain('src/client/create-client.ts');
    const code = result.outputFiles[0]!.text;
    expect(code).not.toMatch(/from ["']node:|require\(["']node:/);
    expect(code).toContain('createClient');
  });

  it('is a real check: a Node import fails to bundle for the browser', async () => {
    await expect(
      bundle({ stdin: "import { readFileSync } from 'node:fs'; readFileSync('x');" }),
    ).rejects.toThrow(/node:fs/);
  });
});
