import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import textApp from '../../examples/text.js';
import { snippetsFor } from '../../playground/snippets.js';
import { startGateway } from '../support/gateway.js';
import { parseEvents } from '../support/sse-client.js';

const run = promisify(execFile);

describe('the playground routes', () => {
  it('serve the page and the docs as HTML shells whose every URL is on this server', async () => {
    await using gateway = await startGateway({ apps: [textApp] });
    for (const [path, script] of [
      ['/', '/playground/main.js'],
      ['/docs', '/playground/docs.js'],
    ] as const) {
      const response = await fetch(`${gateway.url}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const html = await response.text();
      expect(html).toContain(`<script type="module" src="${script}"></script>`);
      expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    }
  });

  it('serve the bundled scripts and styles, built from playground/ on first use', async () => {
    await using gateway = await startGateway({ apps: [textApp] });
    const expected = {
      'main.js': 'text/javascript; charset=utf-8',
      'main.css': 'text/css; charset=utf-8',
      'docs.js': 'text/javascript; charset=utf-8',
      'docs.css': 'text/css; charset=utf-8',
    };
    for (const [name, contentType] of Object.entries(expected)) {
      const response = await fetch(`${gateway.url}/playground/${name}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe(contentType);
      const body = await response.text();
      expect(body.length).toBeGreaterThan(1000);
      if (name.endsWith('.css')) expect(body).not.toMatch(/@import|url\((?!data:)/);
    }
  });

  it('answer not_found for a file the bundle does not have', async () => {
    await using gateway = await startGateway({ apps: [textApp] });
    const response = await fetch(`${gateway.url}/playground/secrets.txt`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      detail: 'No such playground file',
      error_type: 'not_found',
      code: 'not_found',
    });
  });
});

describe('the playground snippets', () => {
  it('the curl snippet, run by a shell, streams the run to its result', async () => {
    await using gateway = await startGateway({ apps: [textApp] });
    const input = { prompt: "The keeper's lamp", max_tokens: 5, tokens_per_second: 0, seed: 3 };
    const [curl] = snippetsFor({ baseUrl: gateway.url, appId: 'demo/text', path: '', input });
    expect(curl?.title).toBe('curl');
    const { stdout } = await run('sh', ['-c', curl!.code], { timeout: 10_000 });
    const events = parseEvents(stdout);
    expect(events.filter((event) => event.event === 'output')).toHaveLength(5);
    const result = JSON.parse(events.at(-1)!.data) as { text: string; seed: number };
    expect(events.at(-1)?.event).toBe('result');
    expect(result.text.startsWith("The keeper's lamp")).toBe(true);
    expect(result.seed).toBe(3);
  });

  it('the Python snippet, run as written by python3 with a key, reads the typed dialect', async () => {
    const key = 'python-key';
    await using gateway = await startGateway({ apps: [textApp], apiKeys: [key] });
    const input = { max_tokens: 3, tokens_per_second: 0, seed: 1 };
    const target = { baseUrl: gateway.url, appId: 'demo/text', path: '', input, withApiKey: true };
    const python = snippetsFor(target).find(
      (snippet) => snippet.title === 'Python (typed dialect)',
    );
    expect(python?.code).toContain('"Accept": "text/event-stream; dialect=typed"');
    const env = { ...process.env, SLUICE_API_KEY: key };
    const { stdout } = await run('python3', ['-c', python!.code], { timeout: 10_000, env });
    const lines = stdout.trim().split('\n');
    expect(lines.filter((line) => line.startsWith('output {'))).toHaveLength(3);
    expect(lines.at(-1)).toBe("{'text': 'At dawn the river rose slowly.', 'tokens': 3, 'seed': 1}");
  });

  it('the sluice/client, @fal-ai/client and fetch snippets, run as written with a key, print the output', async () => {
    const key = 'snippet-key';
    await using gateway = await startGateway({ apps: [textApp], apiKeys: [key] });
    const input = { max_tokens: 3, tokens_per_second: 0, seed: 1 };
    const target = { baseUrl: gateway.url, appId: 'demo/text', path: '', input, withApiKey: true };
    const typescript = snippetsFor(target).filter((snippet) =>
      ['sluice/client', '@fal-ai/client', 'fetch (data dialect)'].includes(snippet.title),
    );
    expect(typescript).toHaveLength(3);
    // Inside the repository, so that the packages resolve as they do for a user's project.
    await mkdir('test-results/snippets', { recursive: true });
    for (const [index, snippet] of typescript.entries()) {
      const file = `test-results/snippets/snippet-${index}.mts`;
      await writeFile(file, snippet.code);
      const { stdout } = await run('node_modules/.bin/tsx', [file], {
        timeout: 20_000,
        env: { ...process.env, SLUICE_API_KEY: key },
      });
      expect({ snippet: snippet.title, last: stdout.trim().split('\n').at(-1) }).toEqual({
        snippet: snippet.title,
        last: "{ text: 'At dawn the river rose slowly.', tokens: 3, seed: 1 }",
      });
    }
  });

  it('the curl snippet sends the key from $SLUICE_API_KEY when the page has one', async () => {
    const key = 'curl-key';
    await using gateway = await startGateway({ apps: [textApp], apiKeys: [key] });
    const input = { max_tokens: 2, tokens_per_second: 0 };
    const target = { baseUrl: gateway.url, appId: 'demo/text', path: '', input, withApiKey: true };
    const [curl] = snippetsFor(target);
    const env = { ...process.env, SLUICE_API_KEY: key };
    const { stdout } = await run('sh', ['-c', curl!.code], { timeout: 10_000, env });
    expect(parseEvents(stdout).at(-1)?.event).toBe('result');
  });

  it('name the endpoint sub-path and rewrite the fal hosts to this server', () => {
    const [, sluice, fal] = snippetsFor({
      baseUrl: 'http://127.0.0.1:8000',
      appId: 'owner/app',
      path: '/img2img',
      input: { steps: 4 },
    });
    expect(sluice?.code).toContain(
      `client.stream("owner/app", {\n  "steps": 4\n}, { path: "/img2img" })`,
    );
    expect(fal?.code).toContain('fal.stream("owner/app/img2img"');
    expect(fal?.code).toContain(
      '.replace(/^https:\\/\\/queue\\.fal\\.run(?=\\/)/, `${base}/queue`)',
    );
    expect(fal?.code).toContain('.replace(/^https:\\/\\/fal\\.run(?=\\/)/, base)');
  });
});
