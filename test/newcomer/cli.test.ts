import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALL_FLAGS } from '../../src/cli/call-arguments.js';
import { REDIS_FLAG_OPTIONS } from '../../src/cli/redis-flags.js';
import { RUNTIME_FLAG_OPTIONS } from '../../src/cli/runtime-flags.js';
import { SERVE_FLAGS } from '../../src/cli/serve-options.js';
import { WORKER_FLAGS } from '../../src/cli/worker-command.js';
import { startCli, type CliServer } from '../support/cli-server.js';
import { readText, send } from '../support/sse-client.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RUN_TIMEOUT_MS = 45_000;

interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `sluice <args>` as a real child process; in a pseudo-terminal (util-linux `script`) with `tty`. */
function sluice(
  args: readonly string[],
  options: { tty?: boolean; interruptWhen?: (output: string) => boolean } = {},
): Promise<Finished> {
  const command = ['node', '--import', 'tsx', 'src/cli/main.ts', ...args];
  const quoted = command.map((word) => `'${word.replaceAll("'", "'\\''")}'`).join(' ');
  const [file, argv] = options.tty
    ? ['script', ['-qfec', quoted, '/dev/null']]
    : [process.execPath, command.slice(1)];
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, {
      cwd: ROOT,
      env: { ...process.env, SLUICE_API_KEY: '', COLUMNS: '120' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let interrupted = false;
    child.stdout.on('data', (data: Buffer) => {
      stdout += data.toString();
      if (!interrupted && options.interruptWhen?.(stdout)) {
        interrupted = true;
        child.stdin.write('\x03'); // Ctrl-C, through the terminal's line discipline
      }
    });
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sluice ${args.join(' ')} did not finish:\n${stdout}\n${stderr}`));
    }, RUN_TIMEOUT_MS);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: stdout.replaceAll('\r\n', '\n'), stderr });
    });
  });
}

/** The text of each `--flag` entry of a help: its line and its continuation lines. */
function helpEntries(help: string): Map<string, string> {
  const entries = new Map<string, string>();
  let current: string | undefined;
  for (const line of help.split('\n')) {
    const flag = /^\s+(?:-\w, )?--([\w-]+)/.exec(line);
    if (flag) entries.set((current = flag[1]!), line);
    else if (current && /^\s{10,}\S/.test(line))
      entries.set(current, `${entries.get(current)} ${line.trim()}`);
    else current = undefined;
  }
  return entries;
}

function expectEveryOptionWithDefault(help: string, options: object): void {
  const entries = helpEntries(help);
  for (const name of Object.keys(options)) {
    const entry = entries.get(name);
    expect(entry, `--${name} is missing from:\n${help}`).toBeDefined();
    if (name !== 'help') expect(entry, `--${name} shows no default`).toMatch(/default/);
  }
}

describe('sluice --help', { timeout: 120_000 }, () => {
  it('sluice --help lists the commands and exits 0; no command exits 2; a typo gets a suggestion', async () => {
    const help = await sluice(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/serve <app files…>/);
    expect(help.stdout).toMatch(/call <owner\/name>/);
    expect(help.stdout).toMatch(/worker <app files…>/);
    const none = await sluice([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage: sluice <command>');
    const typo = await sluice(['serv']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('did you mean "sluice serve"?');
  });

  it('every command --help lists every option with its default and exits 0', async () => {
    const serve = await sluice(['serve', '--help']);
    expect(serve.code).toBe(0);
    expectEveryOptionWithDefault(serve.stdout, {
      ...SERVE_FLAGS,
      ...RUNTIME_FLAG_OPTIONS,
      ...REDIS_FLAG_OPTIONS,
    });
    const worker = await sluice(['worker', '--help']);
    expect(worker.code).toBe(0);
    expectEveryOptionWithDefault(worker.stdout, WORKER_FLAGS);
    const call = await sluice(['call', '--help']);
    expect(call.code).toBe(0);
    expectEveryOptionWithDefault(call.stdout, CALL_FLAGS);
  });
});

describe('sluice serve and sluice call helping a newcomer', { timeout: 120_000 }, () => {
  let server: CliServer;
  let outRoot: string;
  beforeAll(async () => {
    server = await startCli([
      'test/fixtures/call-apps.ts',
      'test/newcomer/fixtures/cli-apps.ts',
      '--dev',
    ]);
    outRoot = await mkdtemp(join(tmpdir(), 'sluice-newcomer-'));
  }, 60_000);
  afterAll(async () => {
    await server?.[Symbol.asyncDispose]();
    if (outRoot) await rm(outRoot, { recursive: true, force: true });
  });

  it('the banner shows real URLs: every endpoint, its stream and its queue', () => {
    const output = server.output();
    expect(output).not.toContain('{path}');
    expect(output).toContain(`POST ${server.url}/queue/fixture/greet/shout `);
    expect(output).toContain(`POST ${server.url}/fixture/greet/shout/stream `);
    expect(output).toContain(`GET  ${server.url}/newcomer/tokens/requests/{request_id}/stream`);
  });

  it('an unknown app: the 404 lists the apps and the closest; so does sluice call', async () => {
    const { response } = await send(`${server.url}/fixture/gret`, { method: 'POST', body: '{}' });
    expect(response.statusCode).toBe(404);
    const body = JSON.parse(await readText(response)) as { detail: string };
    expect(body.detail).toMatch(
      /^No app is served at this path\. Apps served here: .*fixture\/greet/,
    );
    expect(body.detail).toMatch(/Did you mean fixture\/greet\?$/);
    const queued = await send(`${server.url}/queue/fixture/gret`, { method: 'POST', body: '{}' });
    expect(await readText(queued.response)).toContain('Did you mean fixture/greet?');
    const call = await sluice(['call', 'fixture/gret', '--url', server.url]);
    expect(call.code).toBe(1);
    expect(call.stderr).toContain('Did you mean fixture/greet?');
    expect(call.stderr).toContain('newcomer/tokens');
  });

  it('in a terminal, the result data URI is shortened and says where --out saved it', async () => {
    const outDir = join(outRoot, 'painter');
    const { code, stdout } = await sluice(
      [
        'call',
        'fixture/painter',
        '--input',
        '{"steps":4,"preview_every":2}',
        '--url',
        server.url,
        '--out',
        outDir,
      ],
      { tty: true },
    );
    expect(code).toBe(0);
    const result = JSON.parse(stdout.slice(stdout.indexOf('\n{') + 1)) as {
      image: { url: string };
    };
    expect(result.image.url).toMatch(
      new RegExp(
        `^data:image/jpeg;base64,\\S+… \\(\\d+(\\.\\d)? (B|KB), saved to ${outDir}/result-0\\.jpg\\)$`,
      ),
    );
    const longest = Math.max(...stdout.split('\n').map((line) => line.length));
    expect(longest).toBeLessThan(200); // a whole data URI would wrap over many terminal lines
    expect(await readdir(outDir)).toContain('result-0.jpg');
  });

  it('a run without progress shows a spinner and tokens per second', async () => {
    const { code, stdout } = await sluice(
      ['call', 'newcomer/tokens', '--input', '{"count":40,"delay_ms":25}', '--url', server.url],
      { tty: true },
    );
    expect(code).toBe(0);
    expect(stdout).not.toContain('waiting for progress');
    expect(stdout).toMatch(
      /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] running {2}\d+ tokens {2}\d+\.\d tokens\/s {2}elapsed \d:\d\d/,
    );
  });

  it('under --dev, sluice call prints the app’s own error and stack after the error JSON', async () => {
    const { code, stderr } = await sluice(['call', 'fixture/broken', '--url', server.url]);
    expect(code).toBe(1);
    expect(stderr).toContain('"message":"The app raised TypeError"');
    expect(stderr).toMatch(
      /The app's error \(dev mode\):\nTypeError: the brush broke\n\s+at .*call-apps\.ts/,
    );
  });

  it('Ctrl-C ends with one "cancelled" line and leaves no stray bar line', async () => {
    const { code, stdout } = await sluice(
      ['call', 'newcomer/tokens', '--input', '{"count":100000,"delay_ms":20}', '--url', server.url],
      { tty: true, interruptWhen: (output) => / \d\d+ tokens /.test(output) },
    );
    expect(code).toBe(130);
    const lines = stdout.split('\n').filter((line) => line.trim() !== '');
    expect(lines.at(-1)).toMatch(
      /^sluice call: cancelled \(request \S+ cancelled on the server\)$/,
    );
    // After the display's last redraw, one status line and nothing drawn again.
    const lastDraw = stdout.slice(stdout.lastIndexOf('\x1b[J'));
    expect(lastDraw.match(/running/g)).toHaveLength(1);
    expect(stdout.slice(stdout.indexOf('sluice call: cancelled'))).not.toContain('\x1b[');
  });
});
