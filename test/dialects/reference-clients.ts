import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';

const FAL_PAGE_URL = 'https://your-app.fal.run/stream';

/** The fal page's browser client, exactly as printed there. */
export const FAL_PAGE_CLIENT = readFileSync(
  new URL('./fixtures/fal-page-client.txt', import.meta.url),
  'utf8',
);

type AsyncBody = (
  fetch: typeof globalThis.fetch,
  console: { log: (line: string) => void },
) => Promise<void>;

// The constructor of async functions, which is no global: it compiles the page's code as it is.
const AsyncFunction = (Object.getPrototypeOf(async function () {}) as { constructor: unknown })
  .constructor as new (...parameters: string[]) => AsyncBody;

/**
 * Runs the fal page's client unchanged in Node: its `fetch` of the page's URL goes to
 * `target`, and what it logs is returned.
 *
 * @example
 * const lines = await runFalPageClient(`${url}/demo/fal-steps/stream`);
 */
export async function runFalPageClient(target: string): Promise<string[]> {
  const lines: string[] = [];
  const redirected: typeof fetch = (input, init) =>
    fetch(input === FAL_PAGE_URL ? target : input, init);
  const client = new AsyncFunction('fetch', 'console', FAL_PAGE_CLIENT);
  await client(redirected, { log: (line) => lines.push(line) });
  return lines;
}

/** Debian's python3, else whichever is on the PATH. */
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const SHEAF_CLIENT = new URL('./fixtures/sheaf_client.py', import.meta.url).pathname;

/** What the sheaf-style client saw. */
export interface SheafClientSummary {
  readonly progress: string[];
  readonly result: string | null;
  readonly error: string | null;
}

/**
 * Runs the sheaf-style Python client (standard library only) against a stream URL.
 *
 * @example
 * const seen = await runSheafClient(`${url}/demo/sheaf-steps/stream`, { steps: 3 });
 */
export async function runSheafClient(url: string, body: object): Promise<SheafClientSummary> {
  const { stdout } = await promisify(execFile)(PYTHON, [SHEAF_CLIENT, url, JSON.stringify(body)], {
    timeout: 20_000,
  });
  return JSON.parse(stdout) as SheafClientSummary;
}
