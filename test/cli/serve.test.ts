import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCli } from '../support/cli-server.js';
import { readText, send, streamAll, until } from '../support/sse-client.js';

describe('sluice serve', () => {
  it('loads TypeScript app files and prints each app’s URLs', async () => {
    await using server = await startCli(['test/fixtures/cli-apps.ts']);
    expect(server.output()).toContain(`POST ${server.url}/fixture/echo `);
    expect(server.output()).toContain(`POST ${server.url}/fixture/stray/stream`);
    expect(server.output()).toContain(
      `GET  ${server.url}/fixture/echo/requests/{request_id}/stream`,
    );
    const { response } = await send(`${server.url}/fixture/echo`, {
      method: 'POST',
      body: '{"text":"ok"}',
    });
    expect(JSON.parse(await readText(response))).toEqual({ text: 'ok' });
  });

  it.each(['timer', 'rejection'])(
    'an app that throws outside its run (%s) fails only that run; the server keeps serving',
    async (how) => {
      await using server = await startCli(['test/fixtures/cli-apps.ts']);
      const events = await streamAll(`${server.url}/fixture/stray/stream`, { how });
      expect(events.map((event) => event.event)).toEqual(['output', 'error']);
      expect(JSON.parse(events[1]!.data)).toMatchObject({ code: 'app_error' });
      expect(server.child.exitCode).toBeNull();
      const { response } = await send(`${server.url}/fixture/echo`, { method: 'POST', body: '{}' });
      expect(response.statusCode).toBe(200);
      await readText(response);
    },
  );

  it('sends the stream head and `: open` before the app’s synchronous start', async () => {
    await using server = await startCli(['test/fixtures/cli-apps.ts']);
    const sentAt = performance.now();
    const { response } = await send(`${server.url}/fixture/slow-start/stream`, {
      method: 'POST',
      body: '{"busy_ms":800}',
    });
    const headAt = performance.now();
    const first = await new Promise<string>((resolve) =>
      response.once('data', (chunk: Buffer) => resolve(chunk.toString())),
    );
    const openAt = performance.now();
    const rest = await readText(response);
    const endAt = performance.now();
    expect(first.startsWith(': open\n\n')).toBe(true);
    expect(rest).toContain('event: result');
    // The head and `: open` arrive long before the 800 ms of synchronous work ends.
    expect(endAt - openAt).toBeGreaterThan(400);
    expect(headAt - sentAt).toBeLessThan(endAt - sentAt - 400);
  });

  it('an abort listener that throws fails only its own run, when it finishes or is cancelled', async () => {
    await using server = await startCli(['test/fixtures/cli-apps.ts', '--cancel-grace-ms', '100']);
    const finished = await streamAll(`${server.url}/fixture/throwing-cleanup/stream`, {});
    expect(finished.at(-1)).toMatchObject({ event: 'result' });
    const cancelled = await send(`${server.url}/fixture/throwing-cleanup/stream`, {
      method: 'POST',
      body: '{"wait_ms":5000}',
    });
    cancelled.request.destroy();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(server.child.exitCode).toBeNull();
    const { response } = await send(`${server.url}/fixture/echo`, { method: 'POST', body: '{}' });
    expect(response.statusCode).toBe(200);
    await readText(response);
  });

  it('takes API keys from SLUICE_API_KEYS and a keys file', async () => {
    await using server = await startCli(
      ['test/fixtures/cli-apps.ts', '--keys-file', 'test/fixtures/keys.txt'],
      {
        SLUICE_API_KEYS: 'env-key',
      },
    );
    const call = async (key?: string) => {
      const headers: Record<string, string> = key ? { authorization: `Key ${key}` } : {};
      const { response } = await send(`${server.url}/fixture/echo`, {
        method: 'POST',
        body: '{}',
        headers,
      });
      await readText(response);
      return response.statusCode;
    };
    expect(await call()).toBe(401);
    expect(await call('env-key')).toBe(200);
    expect(await call('file-key')).toBe(200);
    expect(await call('commented-key')).toBe(401);
    expect(await call('hash#tail')).toBe(200);
    expect(await call('hash')).toBe(401);
    expect(await call('comma,key')).toBe(200);
    expect(await call('comma')).toBe(401);
  });

  it('refuses to start on a keys file with a key no header could carry', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'sluice-keys-'));
    const file = join(directory, 'keys.txt');
    await writeFile(file, 'good-key\nsecret with-space\n');
    try {
      const started = startCli(['test/fixtures/cli-apps.ts', '--keys-file', file]);
      const failure = await started.then(
        () => new Error('started'),
        (error: unknown) => error as Error,
      );
      expect(failure.message).toMatch(/exited with 1/);
      expect(failure.message).toMatch(/keys\.txt, line 2: an API key may hold only printable/);
      expect(failure.message).not.toMatch(/secret/);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('passes --max-events and --retention-ms to the event log', async () => {
    await using server = await startCli([
      'test/fixtures/cli-apps.ts',
      '--max-events',
      '3',
      '--retention-ms',
      '50',
    ]);
    const events = await streamAll(`${server.url}/fixture/chatty/stream`, { lines: 10 });
    expect(events.at(-1)).toMatchObject({ event: 'error' });
    expect(JSON.parse(events.at(-1)!.data)).toMatchObject({ code: 'event_log_full' });
    const { request_id: requestId } = JSON.parse(events.at(-1)!.data) as { request_id: string };
    const attach = `${server.url}/fixture/chatty/requests/${requestId}/stream`;
    await until(async () => {
      const { response } = await send(attach);
      await readText(response);
      return response.statusCode === 410;
    }, 5_000);
  });

  it('autoscales every app with --replicas <min>-<max> and --keep-alive-ms', async () => {
    await using server = await startCli([
      'test/fixtures/cli-apps.ts',
      '--isolation',
      'process',
      '--replicas',
      '0-2',
      '--keep-alive-ms',
      '500',
    ]);
    const scale = async () => {
      const ready = (await (await fetch(`${server.url}/ready`)).json()) as {
        apps: Record<string, { scale?: { current: number } }>;
      };
      return ready.apps['fixture/echo']?.scale;
    };
    expect(await scale()).toEqual({ min: 0, max: 2, keepAliveMs: 500, current: 0, desired: 0 });
    const { response } = await send(`${server.url}/fixture/echo`, {
      method: 'POST',
      body: '{"text":"cold"}',
    });
    // Served from zero replicas: one started for it, and stops long before the 60 s default.
    expect(JSON.parse(await readText(response))).toEqual({ text: 'cold' });
    await until(async () => (await scale())?.current === 0, 10_000);
  });

  it('stops cleanly on SIGTERM', async () => {
    const server = await startCli(['test/fixtures/cli-apps.ts']);
    const exit = new Promise<number | null>((resolve) =>
      server.child.once('exit', (code) => resolve(code)),
    );
    server.child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });
});
