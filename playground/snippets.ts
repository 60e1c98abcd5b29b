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

function streamUrl(target: SnippetTarget): string {
  return `${target.baseUrl}/${target.appId}${target.path}/stream`;
}

function curl(target: SnippetTarget): string {
  return [
    '# The Accept parameter (or ?dialect= in the URL) picks the frames: sluice (id, event, data),',
    '# data (fal\'s: data: <payload> alone) or typed (sheaf\'s: data: {"type": …, …}).',
    `curl -N -X POST ${shellQuote(streamUrl(target))} \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -H 'Accept: text/event-stream; dialect=sluice' \\`,
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

function fetchData(target: SnippetTarget): string {
  const key = target.withApiKey
    ? `\n    Authorization: \`Key \${process.env.SLUICE_API_KEY}\`,`
    : '';
  return `// ?dialect=data: fal's frames, \`data: <payload>\` and nothing else, the result last.
const response = await fetch(${JSON.stringify(`${streamUrl(target)}?dialect=data`)}, {
  method: 'POST',
  headers: {
    'Content-Type': 'application/json',${key}
  },
  body: JSON.stringify(${indentJson(target.input, '  ')}),
});
const reader = response.body!.getReader();
const decoder = new TextDecoder();
let buffered = '';
for (;;) {
  const { done, value } = await reader.read();
  if (done) break;
  buffered += decoder.decode(value, { stream: true });
  const frames = buffered.split('\\n\\n');
  buffered = frames.pop() ?? '';
  for (const frame of frames) {
    if (frame.startsWith('data: ')) console.log(JSON.parse(frame.slice(6)));
  }
}`;
}

function pythonTyped(target: SnippetTarget): string {
  const key = target.withApiKey
    ? `\n        "Authorization": "Key " + os.environ["SLUICE_API_KEY"],`
    : '';
  return `import json${target.withApiKey ? ', os' : ''}
import urllib.request

request = urllib.request.Request(
    ${JSON.stringify(streamUrl(target))},
    data=${JSON.stringify(JSON.stringify(target.input))}.encode(),
    headers={
        "Content-Type": "application/json",
        # typed: sheaf's frames, data: {"type": "progress" | "output" | "result" | "error", ...}
        "Accept": "text/event-stream; dialect=typed",${key}
    },
)
with urllib.request.urlopen(request) as response:
    for line in response:
        line = line.decode().rstrip("\\n")
        if not line.startswith("data: "):
            continue
        event = json.loads(line[len("data: "):])
        if event["type"] == "error":
            raise RuntimeError(event["error"])
        if event["type"] == "result":
            event.pop("type")
            event.pop("done")
            print(event)
        else:
            print(event["type"], event)`;
}

/**
 * Snippets that run the current input: curl on the stream route, `sluice/client`, the
 * unmodified `@fal-ai/client` with its hosts rewritten to this server, and two that pick a
 * wire dialect: `fetch` with `?dialect=data` and Python with `Accept: …; dialect=typed`.
 *
 * @example
 * snippetsFor({ baseUrl: location.origin, appId: 'demo/text', path: '', input: {} });
 */
export function snippetsFor(target: SnippetTarget): Snippet[] {
  return [
    { title: 'curl', code: curl(target) },
    { title: 'sluice/client', code: sluiceClient(target) },
    { title: '@fal-ai/client', code: falClient(target) },
    { title: 'fetch (data dialect)', code: fetchData(target) },
    { title: 'Python (typed dialect)', code: pythonTyped(target) },
  ];
}
