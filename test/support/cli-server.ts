import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A `sluice serve` child process, stopped by `await using`. */
export interface CliServer extends AsyncDisposable {
  readonly url: string;
  readonly output: () => string;
  readonly child: ChildProcess;
}

/**
 * Runs `sluice serve <files> --port 0` as a real child process (through tsx, as `npm start`
 * does) and resolves once it prints its URL.
 *
 * @example
 * await using server = await startCli(['test/fixtures/cli-apps.ts']);
 */
export function startCli(
  args: readonly string[],
  environment: Record<string, string> = {},
): Promise<CliServer> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'serve', ...args, '--port', '0', '--log-level', 'error'],
    { cwd: ROOT, env: { ...process.env, ...environment }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`sluice serve did not start:\n${output}`)),
      20_000,
    );
    const onData = (data: Buffer) => {
      output += data.toString();
      const match = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      resolve({
        url: match[1]!,
        output: () => output,
        child,
        [Symbol.asyncDispose]: async () => {
          if (child.exitCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`sluice serve exited with ${code}:\n${output}`)));
  });
}
