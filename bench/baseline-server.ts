/**
 * The baseline: a minimal hand-rolled `node:http` SSE server, one `write` per event,
 * honouring backpressure. `POST /stream` with a {@link FirehoseInput} JSON body.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pause } from './clock.js';
import { makePad, makePayload, type FirehoseInput } from './payload.js';
import { serveCommands } from './serve-commands.js';

const MAX_BODY_BYTES = 4096;

async function readInput(request: IncomingMessage): Promise<FirehoseInput> {
  let body = '';
  for await (const chunk of request) {
    body += String(chunk);
    if (body.length > MAX_BODY_BYTES) throw new Error('body too large');
  }
  const fields = JSON.parse(body || '{}') as Partial<FirehoseInput>;
  return { events: 1, bytes: 100, interval_ms: 0, idle: false, ...fields };
}

function drainOrClose(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}

async function writeEvents(response: ServerResponse, input: FirehoseInput): Promise<void> {
  const pad = makePad(input.bytes);
  for (let seq = 1; seq <= input.events && !response.destroyed; seq++) {
    if (input.interval_ms > 0) await pause(input.interval_ms);
    const json = JSON.stringify(makePayload(seq, pad));
    if (!response.write(`id: ${seq}\nevent: output\ndata: ${json}\n\n`)) {
      await drainOrClose(response);
    }
  }
  response.end();
}

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.method !== 'POST' || request.url !== '/stream') {
    response.writeHead(404).end();
    return;
  }
  const input = await readInput(request);
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  response.flushHeaders();
  if (input.idle) return; // held open until the client leaves
  await writeEvents(response, input);
}

const server = createServer((request, response) => {
  handle(request, response).catch(() => response.destroy());
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  serveCommands(`http://127.0.0.1:${port}`, () => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  });
});
