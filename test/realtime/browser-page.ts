// Bundled for Chromium: the unmodified @fal-ai/client and sluice/client, each driving a
// realtime connection to the page's own origin, one input after each answer.
import { createFalClient } from '@fal-ai/client';
import { createClient } from '../../src/client/index.js';

interface Seen {
  results: unknown[];
  errors: string[];
}

function rewriteFalWebSocket(): void {
  const Native = window.WebSocket;
  const target = location.origin.replace(/^http/, 'ws');
  // The one URL rewrite fal's client needs: its socket goes to this origin instead of fal.run.
  window.WebSocket = class extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(String(url).replace(/^wss:\/\/fal\.run(?=\/)/, target), protocols);
    }
  };
}

/** Sends the inputs one by one, each once the previous one was answered. */
function driver(inputs: unknown[], seen: Seen) {
  const queue = [...inputs];
  let send: (input: unknown) => void = () => undefined;
  const next = () => {
    const input = queue.shift();
    if (input !== undefined) send(input);
  };
  return {
    onResult: (result: unknown) => {
      seen.results.push(result);
      next();
    },
    onError: (message: string) => {
      seen.errors.push(message);
      next();
    },
    start: (sender: (input: unknown) => void) => {
      send = sender;
      next();
    },
  };
}

function falRealtime(key: string, inputs: unknown[]): Seen {
  rewriteFalWebSocket();
  const origin = location.origin;
  const fal = createFalClient({
    credentials: key,
    requestMiddleware: (request) =>
      Promise.resolve({
        ...request,
        url: request.url.replace(/^https:\/\/rest\.fal\.ai(?=\/)/, origin),
      }),
  });
  const seen: Seen = { results: [], errors: [] };
  const steps = driver(inputs, seen);
  const connection = fal.realtime.connect('rt/double', {
    onResult: steps.onResult,
    onError: (error) => steps.onError(error.message),
  });
  steps.start((input) => connection.send(input));
  return seen;
}

function sluiceRealtime(key: string, inputs: unknown[]): Seen {
  const client = createClient({ baseUrl: location.origin, apiKey: key });
  const seen: Seen = { results: [], errors: [] };
  const steps = driver(inputs, seen);
  const connection = client.realtime('rt/double', {
    onResult: steps.onResult,
    onError: (error) => steps.onError(`${error.code}: ${error.message}`),
  });
  steps.start((input) => connection.send(input));
  return seen;
}

Object.assign(window, { falRealtime, sluiceRealtime });
