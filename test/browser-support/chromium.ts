import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium. A test that needs it fails, never skips, when it is missing. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Where screenshots go: a test artifact directory, gitignored. */
export const RESULTS_DIR = 'test-results';

/** Options of {@link launchChromium}. */
export interface LaunchOptions {
  readonly viewport?: { readonly width: number; readonly height: number };
  /** Requests to any other origin (but `data:`) are recorded in `foreignRequests`. */
  readonly allowedOrigin?: string;
  /** Default timeout of the page's actions (default 15 s). */
  readonly timeoutMs?: number;
}

/** A headless Chromium page on a fresh profile, closed (and the profile deleted) by `await using`. */
export interface ChromiumPage extends AsyncDisposable {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Console messages and page errors, for failure messages. */
  readonly console: readonly string[];
  /** URLs the page requested from origins other than `allowedOrigin` (empty without one). */
  readonly foreignRequests: readonly string[];
  /** Saves a full-page screenshot as `test-results/<name>.png`; resolves with its path. */
  readonly screenshot: (name: string) => Promise<string>;
}

function recordPage(page: Page, allowedOrigin: string | undefined) {
  const messages: string[] = [];
  const foreignRequests: string[] = [];
  page.on('console', (message) => messages.push(`${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => messages.push(`pageerror: ${error.message}`));
  page.on('request', (request) => {
    const url = request.url();
    if (allowedOrigin === undefined || url.startsWith(allowedOrigin) || url.startsWith('data:'))
      return;
    foreignRequests.push(url);
  });
  return { messages, foreignRequests };
}

/**
 * Launches Debian's Chromium headless with a fresh user-data directory and opens one page.
 *
 * @example
 * await using chromium = await launchChromium({ allowedOrigin: gateway.url });
 * await chromium.page.goto(gateway.url);
 */
export async function launchChromium(options: LaunchOptions = {}): Promise<ChromiumPage> {
  const profile = await mkdtemp(join(tmpdir(), 'sluice-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: options.viewport ?? { width: 800, height: 600 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(options.timeoutMs ?? 15_000);
  const { messages, foreignRequests } = recordPage(page, options.allowedOrigin);
  return {
    context,
    page,
    console: messages,
    foreignRequests,
    screenshot: async (name) => {
      await mkdir(RESULTS_DIR, { recursive: true });
      const path = join(RESULTS_DIR, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    [Symbol.asyncDispose]: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
