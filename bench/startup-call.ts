import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { REPOSITORY_ROOT, type StartupFixtures } from './startup-fixtures.js';
import { cpuMsOf, exited, nodeOnCore } from './startup-processes.js';
import type { StartCandidate, StartSample } from './startup-rows.js';

const FIRST_REQUEST_TIMEOUT_MS = 60_000;
const NOT_FOUND = JSON.stringify({ detail: 'bench', error_type: 'not_found', code: 'not_found' });

/**
 * A loopback server that notes when each request arrives and answers 404 with sluice's
 * error body, which `sluice call` reports without retrying.
 */
export class FirstRequestServer {
  private waiter: ((arrivedAt: number) => void) | undefined;
  private readonly server: Server = createServer((request, response) => {
    this.waiter?.(performance.now());
    this.waiter = undefined;
    request.resume();
    response.writeHead(404, { 'content-type': 'application/json' }).end(NOT_FOUND);
  });

  /** Listens on 127.0.0.1 and a free port; resolves with the base URL. */
  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** When (on `performance.now()`) the next request arrives. */
  nextRequest(): Promise<number> {
    return new Promise((resolve) => (this.waiter = resolve));
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Spawns `node args` on core 1 and times it from the spawn to the server's first request. */
async function spawnToFirstRequest(
  server: FirstRequestServer,
  args: readonly string[],
): Promise<StartSample> {
  const arrived = server.nextRequest();
  const [command, ...rest] = nodeOnCore('1', args);
  const started = performance.now();
  const child = spawn(command, rest, { cwd: REPOSITORY_ROOT, stdio: 'ignore' });
  const ended = exited(child, FIRST_REQUEST_TIMEOUT_MS);
  const first = await Promise.race([arrived, ended.then(() => undefined)]);
  const cpuMs = cpuMsOf(child.pid!);
  await ended;
  if (first === undefined) throw new Error(`node ${args.join(' ')} sent no request`);
  return { ms: first - started, cpuMs };
}

/**
 * The `sluice call` candidates: a bare Node process that sends one `fetch` (the baseline),
 * then `sluice call` built (what the installed package runs), built after registering tsx
 * (what `bin/sluice.js` does before it), and from source through tsx (a checkout). Each
 * runs on core 1; the server runs here, which the caller pins to core 0.
 *
 * @example
 * const rows = await measureRounds(callCandidates({ fixtures, server, url }), 5);
 */
export function callCandidates(options: {
  readonly fixtures: StartupFixtures;
  readonly server: FirstRequestServer;
  readonly url: string;
}): StartCandidate[] {
  const { fixtures, server, url } = options;
  const callArguments = ['call', 'bench/startup', '--url', url];
  const builtMain = fileURLToPath(new URL('cli/main.js', fixtures.dist));
  const fetchOnce = `await fetch(${JSON.stringify(`${url}/bench/startup`)}, { method: 'POST', body: '{}' });`;
  const candidate = (label: string, args: readonly string[], targetMs?: number) => ({
    label,
    targetMs,
    measure: () => spawnToFirstRequest(server, args),
  });
  return [
    candidate('baseline: node -e "await fetch(…)"', ['--input-type=module', '-e', fetchOnce]),
    candidate('sluice call, built (node dist/cli/main.js)', [builtMain, ...callArguments], 500),
    candidate(
      'sluice call, built, tsx registered first (as bin/sluice.js does)',
      ['--import', 'tsx/esm', builtMain, ...callArguments],
      500,
    ),
    candidate(
      'sluice call, from source (node --import tsx src/cli/main.ts)',
      ['--import', 'tsx', 'src/cli/main.ts', ...callArguments],
      500,
    ),
  ];
}
