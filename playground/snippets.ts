/** What a snippet is for: one endpoint and one input. */
export interface SnippetTarget {
  readonly baseUrl: string;
  readonly appId: string;
  /** The endpoint's sub-path, `''` for the default endpoint. */
  readonly path: string;
  readonly input: Record<string, unknown>;
  /** The server needs a key: the snippets read it from `$SLUICE_API_KEY`. */
  readonly withApiKey?: boolean;
}

/** The copyable snippets the playground shows. */
export interface Snippet {
  readonly title: string;
  readonly code: string;
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

function indentJson(value: unknown, indent: string): string {
  return JSON.stringify(value, null, 2).replaceAll('\n', `\n${indent}`);
}

function curl(target: SnippetTarget): string {
  const url = `${target.baseUrl}/${target.appId}${target.path}/stream`;
  return [
    `curl -N -X POST ${shellQuote(url)} \\`,
    `  -H 'Content-Type: application/json' \\`,
    target.withApiKey ? `  -H "Authorization: Key $SLUICE_API_KEY" \\` : undefined,
    `  -d ${shellQuote(JSON.stringify(target.input))}`,
  ]
    .filter((line) => line !== undefined)
    .join('\n');
}

function sluiceClient(target: SnippetTarget): string {
  const options = target.path === '' ? '' : `, { path: ${JSON.stringify(target.path)} }`;
  const key = target.withApiKey ? ', apiKey: process.env.SLUICE_API_KEY' : '';
  return `import { createClient } from 'sluice/client';

const client = createClient({ baseUrl: ${JSON.stringify(target.baseUrl)}${key} });
const stream = client.stream(${JSON.stringify(target.appId)}, ${indentJson(target.input, '')}${options});
for await (const event of stream) console.log(event.type, event.data);
console.log(await stream.done());`;
}

function falClient(target: SnippetTarget): string {
  return `import { fal } from '@fal-ai/client';

const base = ${JSON.stringify(target.baseUrl)};
fal.config({
  credentials: process.env.SLUICE_API_KEY ?? 'none',
  // Send fal's hosts to this server; the queue host lives under /queue.
  requestMiddleware: async (request) => ({
    ...request,
    url: request.url
      .replace(/^https:\\/\\/queue\\.fal\\.run(?=\\/)/, \`\${base}/queue\`)
      .replace(/^https:\\/\\/fal\\.run(?=\\/)/, base),
  }),
});

const stream = await fal.stream(${JSON.stringify(target.appId + target.path)}, {
  input: ${indentJson(target.input, '  ')},
});
for await (const event of stream) console.log(event);
console.log(await stream.done());`;
}

/**
 * Snippets that run the current input: curl on the stream route, `sluice/client`, and the
 * unmodified `@fal-ai/client` with its hosts rewritten to this server.
 *
 * @example
 * snippetsFor({ baseUrl: location.origin, appId: 'demo/text', path: '', input: {} });
 */
export function snippetsFor(target: SnippetTarget): Snippet[] {
  return [
    { title: 'curl', code: curl(target) },
    { title: 'sluice/client', code: sluiceClient(target) },
    { title: '@fal-ai/client', code: falClient(target) },
  ];
}
