import { connect } from 'node:net';
import { isErrorCode } from '../../src/errors/error-codes.js';

/** A small seeded generator (mulberry32), so a failing case can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type Random = () => number;
const pick = <Value>(random: Random, values: readonly Value[]): Value =>
  values[Math.floor(random() * values.length)]!;

const METHODS = [
  'GET',
  'POST',
  'PUT',
  'DELETE',
  'PATCH',
  'HEAD',
  'OPTIONS',
  'FROB',
  'get',
  'P\x00ST',
];
const UUID = '3f2b1c4d-5e6f-4a1b-8c2d-9e0f1a2b3c4d';
const IDS = [
  'abc',
  UUID,
  UUID.toUpperCase(),
  'a'.repeat(101),
  '%00',
  '%ff',
  '__proto__',
  '..%2f',
  '',
];
const PATHS = [
  '/',
  '/health',
  '/ready',
  '/apps',
  '/metrics',
  '/docs',
  '/openapi.json',
  '/playground/x.js',
  '/test/count',
  '/test/count/stream',
  '/queue/test/count',
  '/queue/test/count/requests/{id}',
  '/queue/test/count/requests/{id}/status',
  '/queue/test/count/requests/{id}/status/stream',
  '/queue/test/count/requests/{id}/cancel',
  '/test/count/requests/{id}/stream',
  '/nope/nope',
  '/%E0%A4%A',
  '//',
  '/test/count?webhook=javascript:1',
  '/test/count?%zz=1',
];
const HEADERS = [
  'x-fal-queue-priority: __proto__',
  'x-fal-queue-priority: constructor',
  'x-sluice-priority: 1e9',
  'x-sluice-priority: -0',
  'x-fal-request-timeout: -1',
  'x-fal-request-timeout: NaN',
  'last-event-id: \xe9\xe9',
  'last-event-id: 99999999999999999999',
  'authorization: Key \x7f',
  'content-type: text/plain',
  'content-type: application/json; charset=latin1',
  'accept: text/event-stream',
  'transfer-encoding: gzip',
  'expect: 100-continue',
  'x-junk: \x01\x02',
  `x-long: ${'v'.repeat(20_000)}`,
];
const BODIES = [
  '',
  '{',
  'null',
  '[]',
  '{"n":"x"}',
  '{"__proto__":{"n":1}}',
  '{"constructor":{"prototype":{}}}',
  '{"n":1e400}',
  `{"text":"${'\\ud800'}"}`,
  '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]',
  '{"n":2}',
  '\x00\x01\x02',
];

/** One malformed (or valid) request as raw bytes. */
export function randomRequest(random: Random): string {
  const path = pick(random, PATHS).replace('{id}', pick(random, IDS));
  const headers = Array.from({ length: Math.floor(random() * 3) }, () => pick(random, HEADERS));
  const body = pick(random, BODIES);
  const length =
    random() < 0.1 ? String(body.length + 5) : String(Buffer.byteLength(body, 'latin1'));
  const version = random() < 0.05 ? 'HTTP/9.9' : 'HTTP/1.1';
  const lines = [
    `${pick(random, METHODS)} ${path} ${version}`,
    'host: 127.0.0.1',
    'connection: close',
  ];
  if (random() < 0.8) lines.push('content-type: application/json');
  if (body !== '' || random() < 0.5) lines.push(`content-length: ${length}`);
  return [...lines, ...headers, '', body].join('\r\n');
}

/** How one answer looked: its status, and what was wrong with it, if anything. */
export interface FuzzVerdict {
  readonly status: number;
  readonly problem: string | undefined;
}

function problemOf(status: number, head: string, body: string): string | undefined {
  if (status === 0) return 'no answer';
  if (status >= 500) return `status ${status}`;
  if (status < 400) return undefined;
  if (!/content-type: application\/json/i.test(head)) return 'error not JSON';
  const parsed = JSON.parse(body) as Record<string, unknown>;
  const keys = Object.keys(parsed).sort().join(',');
  if (keys !== 'code,detail,error_type') return `shape ${keys}`;
  if (!isErrorCode(parsed.code)) return `code ${String(parsed.code)}`;
  return undefined;
}

/**
 * Sends one raw request and judges the answer: any status below 500, and every error in
 * `{detail, error_type, code}` with a documented code. A HEAD answer has no body to judge.
 *
 * @example
 * const verdict = await judge(gateway.url, randomRequest(random));
 */
export function judge(baseUrl: string, bytes: string, timeoutMs = 5_000): Promise<FuzzVerdict> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    const received: Buffer[] = [];
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      // An interim `100 Continue` (for `expect: 100-continue`) comes before the answer.
      const text = Buffer.concat(received)
        .toString('utf8')
        .replace(/^(HTTP\/1\.1 100 [^\r]*\r\n\r\n)+/, '');
      const headEnd = text.indexOf('\r\n\r\n');
      const head = text.slice(0, Math.max(headEnd, 0));
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
      const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
      const isHead = bytes.startsWith('HEAD ');
      const body = text.slice(headEnd + 4, headEnd + 4 + length);
      resolve({
        status,
        problem: isHead && status >= 400 ? undefined : problemOf(status, head, body),
      });
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.on('data', (data) => received.push(data));
    socket.on('error', () => {});
    socket.once('close', finish);
    socket.write(Buffer.from(bytes, 'latin1'));
  });
}
