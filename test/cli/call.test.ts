import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, type CliServer } from '../support/cli-server.js';
import { readEvents, send } from '../support/sse-client.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const JPEG_MAGIC = [0xff, 0xd8, 0xff];
/** Generous: each call is a fresh Node process compiling TypeScript, on a busy machine. */
const CALL_TIMEOUT_MS = 45_000;
const KEY = 'call-key';

interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

interface Running {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly finished: Promise<Finished>;
}

/** `sluice call …` as a real child process (stdout and stderr are pipes: no TTY). */
function startCall(args: readonly string[], environment: Record<string, string> = {}): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'call', ...args], {
    cwd: ROOT,
    env: { ...process.env, SLUICE_API_KEY: '', ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (data: Buffer) => (stdout += data.toString()));
  child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
  const finished = new Promise<Finished>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sluice call did not finish:\n${stdout}\n${stderr}`));
    }, CALL_TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  finished.catch(() => undefined); // a test that fails earlier never awaits it
  return { child, stdout: () => stdout, finished };
}

const runCall = (args: readonly string[], environment?: Record<string, string>) =>
  startCall(args, environment).finished;

interface EventLine {
  readonly id: number;
  readonly type: string;
  readonly data: unknown;
}

function eventLines(stdout: string): EventLine[] {
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as EventLine);
}

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Runs `sluice call` inside a pseudo-terminal (util-linux `script`), so it sees a TTY. */
function runCallInTerminal(args: readonly string[]): Promise<Finished> {
  const quoted = ['node', '--import', 'tsx', 'src/cli/main.ts', 'call', ...args]
    .map((word) => `'${word.replaceAll("'", "'\\''")}'`)
    .join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', quoted, '/dev/null'], {
      cwd: ROOT,
      env: { ...process.env, SLUICE_API_KEY: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (data: Buffer) => (stdout += data.toString()));
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sluice call in a terminal did not finish:\n${stdout}`));
    }, CALL_TIMEOUT_MS);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('sluice call', { timeout: 60_000 }, () => {
  let server: CliServer;
  let outRoot: string;
  beforeAll(async () => {
    // A disconnect alone would cancel a run only after a minute: only a cancel can end one sooner.
    server = await startCli(['test/fixtures/call-apps.ts', '--cancel-grace-ms', '60000'], {
      SLUICE_API_KEYS: KEY,
    });
    outRoot = await mkdtemp(join(tmpdir(), 'sluice-call-'));
  }, 60_000);
  afterAll(async () => {
    await server?.[Symbol.asyncDispose]();
    if (outRoot) await rm(outRoot, { recursive: true, force: true });
  });

  it('without a TTY prints one JSON line per event, ending with the result; --out saves real JPEGs', async () => {
    const outDir = join(outRoot, 'painter');
    const input = '{"steps":6,"preview_every":2,"delay_ms":2}';
    const { code, stdout, stderr } = await runCall([
      'fixture/painter',
      '--input',
      input,
      '--url',
      server.url,
      '--key',
      KEY,
      '--out',
      outDir,
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const events = eventLines(stdout);
    expect(events.map((event) => event.id)).toEqual(events.map((_, index) => index + 1));
    expect(events.at(-1)).toMatchObject({ type: 'result', data: { steps: 6 } });
    expect(events.filter((event) => event.type === 'progress').length).toBeGreaterThan(0);
    expect(events.filter((event) => event.type === 'log')).toHaveLength(6);
    const previews = events.filter((event) => event.type === 'preview');
    expect(previews.length).toBeGreaterThan(0);
    const expected = [
      ...previews.map((event) => `preview-${String(event.id).padStart(4, '0')}.jpg`),
      'result-0.jpg',
    ];
    expect((await readdir(outDir)).sort()).toEqual(expected.sort());
    for (const file of expected) {
      const bytes = await readFile(join(outDir, file));
      expect([...bytes.subarray(0, 3)]).toEqual(JPEG_MAGIC);
      expect(bytes.length).toBeGreaterThan(100);
    }
    const result = events.at(-1)!.data as { image: { url: string } };
    const resultBytes = await readFile(join(outDir, 'result-0.jpg'));
    expect(result.image.url).toBe(`data:image/jpeg;base64,${resultBytes.toString('base64')}`);
  });

  it('--path calls an endpoint under a sub-path; --input @file reads the input from a file', async () => {
    const inputFile = join(outRoot, 'shout.json');
    await writeFile(inputFile, '{"text":"héllo — 你好"}');
    const { code, stdout } = await runCall([
      'fixture/greet',
      '--path',
      '/shout',
      '--input',
      `@${inputFile}`,
      '--url',
      server.url,
      '--key',
      KEY,
    ]);
    expect(code).toBe(0);
    expect(eventLines(stdout).at(-1)).toEqual({
      id: 2,
      type: 'result',
      data: { text: 'HÉLLO — 你好' },
    });
  });

  it('bad --input JSON is a usage error: exit 2, a clear message, nothing sent', async () => {
    const { code, stdout, stderr } = await runCall([
      'fixture/painter',
      '--input',
      '{steps: 4}',
      '--url',
      server.url,
    ]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^sluice call: --input is not valid JSON \(/);
    expect(stderr).toContain('Usage: sluice call');
  });

  it('without the API key the server answers 401: exit 1 with unauthorized', async () => {
    const { code, stderr } = await runCall(['fixture/greet', '--url', server.url]);
    expect(code).toBe(1);
    expect(JSON.parse(stderr)).toMatchObject({ code: 'unauthorized', retryable: false });
  });

  it('invalid input (HTTP 422) exits 1 with the error as JSON on stderr', async () => {
    const { code, stdout, stderr } = await runCall([
      'fixture/painter',
      '--input',
      '{"steps":500}',
      '--url',
      server.url,
      '--key',
      KEY,
    ]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const error = JSON.parse(stderr) as { code: string; retryable: boolean; detail: unknown[] };
    expect(error).toMatchObject({ code: 'invalid_input', retryable: false });
    expect(error.detail).toEqual([expect.objectContaining({ loc: ['body', 'steps'] })]);
  });

  it('a run that fails exits 1: its error event is the last line, and the error goes to stderr', async () => {
    const { code, stdout, stderr } = await runCall(['fixture/broken', '--url', server.url], {
      SLUICE_API_KEY: KEY, // the key from the environment
    });
    expect(code).toBe(1);
    const last = eventLines(stdout).at(-1)!;
    expect(last).toMatchObject({ type: 'error', data: { code: 'app_error' } });
    const error = JSON.parse(stderr) as { code: string; request_id: string };
    expect(error.code).toBe('app_error');
    expect(error.request_id).toBe((last.data as { request_id: string }).request_id);
  });

  it('Ctrl-C cancels the run on the server and exits 130', async () => {
    const call = startCall(['fixture/endless', '--url', server.url, '--key', KEY]);
    let finished: Finished;
    try {
      await until(() => eventLines(call.stdout()).length >= 3, CALL_TIMEOUT_MS);
      call.child.kill('SIGINT');
      finished = await call.finished;
    } finally {
      if (call.child.exitCode === null) call.child.kill('SIGKILL');
    }
    const { code, stdout, stderr } = finished;
    expect(code).toBe(130);
    const requestId = /request (\S+) cancelled on the server/.exec(stderr)?.[1];
    expect(requestId, stderr).toBeDefined();
    expect(eventLines(stdout).length).toBeGreaterThanOrEqual(3);
    // The server ended the run: attaching replays its events up to the terminal one, a cancellation.
    const attached = await send(`${server.url}/fixture/endless/requests/${requestId}/stream`, {
      headers: { authorization: `Key ${KEY}` },
    });
    const rest = await readEvents(attached);
    expect(rest.at(-1)?.event).toBe('error');
    expect(JSON.parse(rest.at(-1)!.data)).toMatchObject({ code: 'cancelled' });
  });

  it('in a terminal draws a live display in place, then prints the result JSON', async () => {
    const { code, stdout } = await runCallInTerminal([
      'fixture/painter',
      '--input',
      '{"steps":8,"preview_every":2,"delay_ms":40}',
      '--url',
      server.url,
      '--key',
      KEY,
    ]);
    expect(code).toBe(0);
    const text = stdout.replaceAll('\r\n', '\n');
    expect(text).toMatch(/\[#+\.*\] {2}\d\/8 {2}\d+%/); // bar, step/total, percent
    expect(text).toMatch(/\[#{24}\] {2}8\/8 {2}100%/);
    expect(text).toContain('ETA ');
    expect(text).toMatch(/elapsed \d:\d\d/);
    expect(text).toContain('log: step 8 of 8 done');
    expect(text).toContain('previews: 4');
    expect(text).toContain('\x1b[2A\r\x1b[J'); // redrawn in place
    expect(text).not.toContain('"type":"progress"'); // no JSON lines in a terminal
    const result = JSON.parse(text.slice(text.indexOf('\n{') + 1)) as { steps: number };
    expect(result.steps).toBe(8);
  });
});
