import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the scripted server saw it. */
export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
}

/** Answers the `index`-th request (0-based). */
export type Answer = (
  response: ServerResponse,
  request: SeenRequest & { readonly index: number },
) => void;

/** A loopback HTTP server that answers each request with the next step of a script. */
export interface ScriptedServer extends AsyncDisposable {
  readonly url: string;
  readonly requests: readonly SeenRequest[];
}

/**
 * Starts a server on 127.0.0.1:0 whose n-th request is answered by `answers[n]` (the last
 * answer repeats), recording every request.
 *
 * @example
 * await using server = await startScriptedServer([dropAfter(frames(1, 2)), sendAll(frames(3, 4))]);
 */
export async function startScriptedServer(answers: readonly Answer[]): Promise<ScriptedServer> {
  const requests: SeenRequest[] = [];
  const server = createServer((request, response) => {
    const seen = { method: request.method ?? '', url: request.url ?? '', headers: request.headers };
    const index = requests.push(seen) - 1;
    request.resume();
    request.on('end', () =>
      answers[Math.min(index, answers.length - 1)]!(response, { ...seen, index }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    [Symbol.asyncDispose]: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** SSE frames of count-app-like events `from`..`to`; the event `to` is the `result` when `last`. */
export function frames(from: number, to: number, last = to): string {
  let text = '';
  for (let id = from; id <= to; id++) {
    const type = id === last ? 'result' : 'output';
    text += `id: ${id}\nevent: ${type}\ndata: {"i":${id},"text":"é ☃"}\n\n`;
  }
  return text;
}

function head(response: ServerResponse, requestId: string): void {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': requestId });
  response.write(': open\n\n');
}

/** Answers with the head, then `text`, then ends the response cleanly. */
export function sendAll(text: string, requestId = 'scripted-1'): Answer {
  return (response) => {
    head(response, requestId);
    response.end(text);
  };
}

/** Answers with the head and `text`, then destroys the socket (a connection lost mid-stream). */
export function dropAfter(text: string, requestId = 'scripted-1'): Answer {
  return (response) => {
    head(response, requestId);
    response.write(text, () => setTimeout(() => response.destroy(), 10));
  };
}

/** Answers with a status and sluice's error body. */
export function errorAnswer(status: number, code: string): Answer {
  return (response) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ detail: `scripted ${code}`, error_type: code, code }));
  };
}

/** Destroys the socket before any response byte. */
export const hangUp: Answer = (response) => response.socket?.destroy();
