import { readFile } from 'node:fs/promises';
import {
  createClient,
  type EventStream,
  type SluiceError,
  type StreamEvent,
} from '../client/index.js';
import {
  CALL_USAGE,
  parseCallArguments,
  parseInputJson,
  type CallArguments,
} from './call-arguments.js';
import { cancelOnServer } from './call-cancel.js';
import { shortenDataUris } from './shorten-output.js';
import { callImages, type CallImages } from './call-output.js';
import { jsonLinesReporter, terminalReporter, type CallReporter } from './call-reporters.js';

/** Exit codes of `sluice call`. */
export const CALL_EXIT = { result: 0, error: 1, usage: 2, interrupted: 130 } as const;

function usageError(message: string): void {
  process.stderr.write(`sluice call: ${message}\n\n${CALL_USAGE}\n`);
  process.exitCode = CALL_EXIT.usage;
}

async function readInput(
  call: CallArguments,
): Promise<{ ok: true; input: unknown } | { ok: false; message: string }> {
  if ('text' in call.input) return parseInputJson(call.input.text);
  try {
    return parseInputJson(await readFile(call.input.file, 'utf8'));
  } catch (error) {
    return {
      ok: false,
      message: `cannot read --input file ${call.input.file} (${(error as Error).message})`,
    };
  }
}

function reporterFor(call: CallArguments): CallReporter {
  const write = (text: string) => void process.stdout.write(text);
  if (!process.stdout.isTTY) return jsonLinesReporter({ write });
  return terminalReporter({
    write,
    columns: () => process.stdout.columns || 80,
    outDir: call.outDir,
  });
}

function errorJson(error: SluiceError): string {
  const body = {
    code: error.code,
    message: error.message,
    retryable: error.retryable,
    request_id: error.requestId,
    ...(error.fields ? { detail: error.fields } : {}),
  };
  return JSON.stringify(body);
}

/** The app's own error a dev-mode server sent with the `error` event. */
interface ErrorDebug {
  readonly message?: string;
  readonly stack?: string;
}

function debugOf(event: StreamEvent): ErrorDebug | undefined {
  if (event.type !== 'error') return undefined;
  const { debug } = event.data as { debug?: ErrorDebug };
  return typeof debug === 'object' && debug !== null ? debug : undefined;
}

interface Ending {
  readonly stream: EventStream;
  readonly images: CallImages;
  /** From a dev-mode server: the app's own error, printed after the error JSON. */
  readonly debug: ErrorDebug | undefined;
  /** The last line to print after Ctrl-C, once the cancel has been sent. */
  readonly interrupted: Promise<string> | undefined;
}

async function finish({ stream, images, interrupted, debug }: Ending): Promise<void> {
  let output: unknown;
  try {
    output = await stream.done();
  } catch (error) {
    await images.saveResult(undefined);
    if (interrupted) {
      process.stderr.write(await interrupted);
      process.exitCode = CALL_EXIT.interrupted;
      return;
    }
    process.stderr.write(`${errorJson(error as SluiceError)}\n`);
    if (debug?.message !== undefined)
      process.stderr.write(`The app's error (dev mode):\n${debug.stack ?? debug.message}\n`);
    process.exitCode = CALL_EXIT.error;
    return;
  }
  const saved = await images.saveResult(output);
  if (process.stdout.isTTY)
    process.stdout.write(`${JSON.stringify(shortenDataUris(output, saved), null, 2)}\n`);
  process.exitCode = CALL_EXIT.result;
}

/**
 * `sluice call <owner/name> --input '<json>'`: runs a request and streams its events. Sets
 * `process.exitCode`: 0 on a result, 1 on an error, 2 on a usage error, 130 after Ctrl-C.
 *
 * @example
 * await callCommand(['demo/progressive-image', '--input', '{"steps":8}', '--out', 'out']);
 */
export async function callCommand(argv: readonly string[]): Promise<void> {
  const parsed = parseCallArguments(argv, process.env);
  if (parsed.kind === 'help') return void process.stdout.write(`${CALL_USAGE}\n`);
  if (parsed.kind === 'usage-error') return usageError(parsed.message);
  const { call } = parsed;
  const input = await readInput(call);
  if (!input.ok) return usageError(input.message);
  const client = createClient({ baseUrl: call.url, apiKey: call.apiKey });
  // The client's overloads take a path or none, not `string | undefined`.
  const stream =
    call.path === undefined
      ? client.stream(call.appId, input.input)
      : client.stream(call.appId, input.input, { path: call.path });
  const images = callImages(call.outDir, (error) =>
    process.stderr.write(`sluice call: could not save an image (${error.message})\n`),
  );
  const reporter = reporterFor(call);
  let interrupted: Promise<string> | undefined;
  const onInterrupt = () => {
    if (interrupted) process.exit(CALL_EXIT.interrupted); // a second Ctrl-C does not wait
    reporter.onEnd(); // the display's last state, once; nothing draws after it
    interrupted = cancelOnServer({ client, appId: call.appId, requestId: stream.requestId });
    void interrupted.finally(() => stream.abort());
  };
  process.on('SIGINT', onInterrupt);
  let debug: ErrorDebug | undefined;
  try {
    for await (const event of stream) {
      debug ??= debugOf(event);
      images.onEvent(event);
      reporter.onEvent(event);
    }
  } catch {
    // The failure is done()'s rejection, reported below.
  } finally {
    reporter.onEnd();
    process.off('SIGINT', onInterrupt);
  }
  await finish({ stream, images, interrupted, debug });
}
