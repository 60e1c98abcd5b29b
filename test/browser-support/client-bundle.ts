import { build, type Plugin } from 'esbuild';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A file the test page is made of. */
export interface PageFile {
  readonly body: string;
  readonly contentType: string;
}

const PAGE_HTML = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><title>sluice/client in Chromium</title></head>
  <body style="font: 14px system-ui; margin: 24px">
    <h1 style="font-size: 18px">sluice/client: demo/progressive-image</h1>
    <img id="preview" alt="preview" width="256" height="256" style="image-rendering: pixelated; background: #eee" />
    <pre id="facts">waiting</pre>
    <script type="module" src="./client-page.js"></script>
  </body>
</html>
`;

async function bundle(entry: string, plugins: Plugin[] = []): Promise<string> {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [entry],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    plugins,
  });
  return result.outputFiles[0]!.text;
}

/** The page imports the client from the separately bundled `./client.js`, as an app would. */
const clientAsExternal: Plugin = {
  name: 'client-as-external',
  setup(builder) {
    builder.onResolve({ filter: /\/src\/client\/index\.js$/ }, () => ({
      path: './client.js',
      external: true,
    }));
  },
};

/**
 * Bundles `src/client/index.ts` for the browser (esbuild, platform `browser`, ESM: it fails
 * on any Node built-in) and the test page that drives it.
 *
 * @example
 * const files = await bundleClientPage(); // index.html, client.js, client-page.js
 */
export async function bundleClientPage(): Promise<Record<string, PageFile>> {
  const [client, page] = await Promise.all([
    bundle('src/client/index.ts'),
    bundle('test/browser-support/client-page.ts', [clientAsExternal]),
  ]);
  return {
    'index.html': { body: PAGE_HTML, contentType: 'text/html; charset=utf-8' },
    'client.js': { body: client, contentType: 'text/javascript; charset=utf-8' },
    'client-page.js': { body: page, contentType: 'text/javascript; charset=utf-8' },
  };
}
