import { parseArgs } from 'node:util';

/** Usage of `sluice call`. */
export const CALL_USAGE = `Usage: sluice call <owner/name> [options]

Runs a request on a sluice server and streams its events. In a terminal it shows a live
progress bar, the latest log line and the preview count, then prints the result JSON; piped,
it prints one JSON line per event. Ctrl-C cancels the request on the server.

Options:
  --input <json>     the input as JSON, or @file.json to read it from a file (default {})
  --path <path>      an endpoint's sub-path, e.g. /img2img (default: the app's default endpoint)
  --url <url>        the server (default http://127.0.0.1:8000)
  --key <key>        API key, sent as "Authorization: Key <key>" (default: $SLUICE_API_KEY)
  --out <dir>        save previews (preview-0007.jpg) and result images (result-0.jpg) here (default: not saved)
  -h, --help         show this help

Exit codes: 0 result, 1 error result, 2 usage error, 130 cancelled with Ctrl-C.`;

/** What `sluice call` was asked to do. */
export interface CallArguments {
  readonly appId: string;
  /** The raw `--input` text, or the file to read it from (`@file`). */
  readonly input: { readonly text: string } | { readonly file: string };
  readonly path: `/${string}` | undefined;
  readonly url: string;
  readonly apiKey: string | undefined;
  readonly outDir: string | undefined;
}

/** The outcome of parsing: arguments, a request for help, or a usage problem. */
export type ParsedCall =
  | { readonly kind: 'call'; readonly call: CallArguments }
  | { readonly kind: 'help' }
  | { readonly kind: 'usage-error'; readonly message: string };

const APP_ID = /^[\w.-]+(?:\/[\w.-]+)?$/;

function problem(message: string): ParsedCall {
  return { kind: 'usage-error', message };
}

/** `sluice call`'s flags, as `parseArgs` reads them. */
export const CALL_FLAGS = {
  input: { type: 'string' },
  path: { type: 'string' },
  url: { type: 'string', default: 'http://127.0.0.1:8000' },
  key: { type: 'string' },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: CALL_FLAGS,
  });
}

/**
 * Parses `sluice call`'s arguments (without reading any file or the network).
 *
 * @example
 * parseCallArguments(['demo/text', '--input', '{"prompt":"hi"}'], {});
 */
export function parseCallArguments(
  argv: readonly string[],
  environment: Readonly<Record<string, string | undefined>>,
): ParsedCall {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    return problem(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  const [appId, ...extra] = positionals;
  if (appId === undefined) return problem('name the app to call, e.g. sluice call demo/text');
  if (!APP_ID.test(appId))
    return problem(`the app id must look like owner/name or name, not "${appId}"`);
  if (extra.length > 0) return problem(`unexpected argument "${extra[0]}"`);
  if (values.path !== undefined && !values.path.startsWith('/'))
    return problem('--path must start with "/", e.g. --path /img2img');
  if (!/^https?:\/\/[^/]/.test(values.url))
    return problem('--url must be an http:// or https:// URL');
  const inputText = values.input ?? '{}';
  return {
    kind: 'call',
    call: {
      appId,
      input: inputText.startsWith('@') ? { file: inputText.slice(1) } : { text: inputText },
      path: values.path as `/${string}` | undefined,
      url: values.url,
      apiKey: values.key ?? (environment.SLUICE_API_KEY || undefined),
      outDir: values.out,
    },
  };
}

/**
 * Parses the `--input` JSON; a message saying what is wrong when it is not JSON.
 *
 * @example
 * parseInputJson('{"steps": 4}'); // { ok: true, input: { steps: 4 } }
 */
export function parseInputJson(
  text: string,
):
  | { readonly ok: true; readonly input: unknown }
  | { readonly ok: false; readonly message: string } {
  try {
    return { ok: true, input: JSON.parse(text) as unknown };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, message: `--input is not valid JSON (${reason})` };
  }
}
