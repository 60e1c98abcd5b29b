/**
 * `tsx bench/operations.ts [--streams N] [--events N] [--requests N]`: the production
 * operations figures, at a small scale by default. The gateway runs in a child process pinned
 * to core 0 (`bench/operations-server.ts`), the clients here on core 1 (`taskset`).
 * - The OpenAI view against the native stream view on scenario (ii)'s shape (many streams of
 *   many small events; the same events, read by the same client code): events/s of each, and
 *   the gateway's CPU time per event, which a loaded machine disturbs far less than rates.
 *   The views run side by side in each round (rotated), and the ratio is taken round by
 *   round: its median, range and 95 % interval of the median. Target: ≥ 0.8× native. Its
 *   delta is named by field (the fast path); a model whose delta is a function (each event
 *   parsed) is measured beside it.
 * - Tracing off against tracing on (every span recorded to an in-memory exporter): two
 *   gateways up at once, the same stream scenario and small JSON calls against each, paired
 *   round by round, with the gateway's CPU time per event and per request.
 */
import { parseArgs } from 'node:util';
import {
  concurrentStreams,
  differences,
  efficiency,
  interval,
  pairedRounds,
  perUnitMicroseconds,
  postJson,
  rate,
  ratios,
  spread,
  type Round,
} from './paired-rounds.js';
import { pinToCore } from './process-tree.js';
import { startServer, type ServerHandle } from './server-process.js';

const { values } = parseArgs({
  options: {
    streams: { type: 'string', default: '20' },
    events: { type: 'string', default: '2000' },
    requests: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '7' },
  },
});
const STREAMS = Number(values.streams);
const EVENTS = Number(values.events);
const REQUESTS = Number(values.requests);
const ROUNDS = Number(values.rounds);

const streams = (open: () => Promise<Response>) => concurrentStreams(STREAMS, open);

function jsonCalls(url: string): () => Promise<number> {
  return async () => {
    const workers = 8;
    await Promise.all(
      Array.from({ length: workers }, async () => {
        for (let index = 0; index < REQUESTS / workers; index++)
          await (await postJson(`${url}/bench/firehose`, { n: 1 })).arrayBuffer();
      }),
    );
    return REQUESTS;
  };
}

async function withServer<T>(tracing: boolean, use: (server: ServerHandle) => Promise<T>) {
  process.env.SLUICE_BENCH_TRACING = tracing ? 'on' : 'off';
  const server = await startServer('sluice', {
    script: 'operations-server.ts',
    onSpawn: (pid) => pinToCore([pid], 0),
  });
  try {
    return await use(server);
  } finally {
    await server.stop();
  }
}

async function streamViews(): Promise<void> {
  await withServer(false, async (server) => {
    const url = server.baseUrl;
    const chat = { model: 'bench/firehose', messages: [{ role: 'user', content: '' }] };
    const body = { ...chat, max_tokens: EVENTS, stream: true };
    const parsedBody = { ...body, model: 'bench/firehose/parsed' };
    const [native, openAi, parsed] = (await pairedRounds(
      [
        streams(() => postJson(server.streamUrl, { n: EVENTS })),
        streams(() => postJson(`${url}/v1/chat/completions`, body)),
        streams(() => postJson(`${url}/v1/chat/completions`, parsedBody)),
      ].map((work) => ({ server, work })),
      ROUNDS,
    )) as [Round[], Round[], Round[]];
    console.log(`| native stream view: events/s | ${spread(native.map(rate), 0)} |`);
    console.log(`| OpenAI view: events/s | ${spread(openAi.map(rate), 0)} |`);
    console.log(
      `| OpenAI / native, events/s, per round | ${spread(ratios(openAi, native, rate), 2, '×')} |`,
    );
    console.log(
      `| native stream view: gateway CPU per event | ${spread(native.map(perUnitMicroseconds), 2, ' µs')} |`,
    );
    console.log(
      `| OpenAI view: gateway CPU per event | ${spread(openAi.map(perUnitMicroseconds), 2, ' µs')} |`,
    );
    const byCpu = ratios(openAi, native, efficiency);
    console.log(
      `| OpenAI / native, by CPU per event, per round | ${spread(byCpu, 2, '×')} (target ≥ 0.8×) |`,
    );
    console.log(`| same, 95 % interval of the median | ${interval(byCpu, 2, '×')} |`);
    console.log(`| OpenAI view, delta as a function: events/s | ${spread(parsed.map(rate), 0)} |`);
    console.log(
      `| OpenAI view, delta as a function: CPU per event | ${spread(parsed.map(perUnitMicroseconds), 2, ' µs')} |`,
    );
    const parsedByCpu = spread(ratios(parsed, native, efficiency), 2, '×');
    console.log(`| same, / native by CPU per event, per round | ${parsedByCpu} |`);
  });
}

/**
 * Tracing off and tracing on, two gateways up at once (both on core 0), their workloads
 * paired round by round.
 */
async function tracingCost(): Promise<void> {
  await withServer(false, (off) =>
    withServer(true, async (on) => {
      const workloads = [off, on].flatMap((server) => [
        { server, work: streams(() => postJson(server.streamUrl, { n: EVENTS })) },
        { server, work: jsonCalls(server.baseUrl) },
      ]);
      const [streamOff, jsonOff, streamOn, jsonOn] = (await pairedRounds(workloads, ROUNDS)) as [
        Round[],
        Round[],
        Round[],
        Round[],
      ];
      const perStream = (round: Round) => (round.cpuSeconds / STREAMS) * 1e6;
      console.log(
        `| scenario (ii), tracing off: gateway CPU per event | ${spread(streamOff.map(perUnitMicroseconds), 2, ' µs')} |`,
      );
      console.log(
        `| scenario (ii), tracing on: gateway CPU per event | ${spread(streamOn.map(perUnitMicroseconds), 2, ' µs')} |`,
      );
      console.log(
        `| scenario (ii), tracing on − off: CPU per stream request, per round | ${spread(differences(streamOn, streamOff, perStream), 0, ' µs')} |`,
      );
      console.log(
        `| JSON calls, tracing on / off: requests/s, per round | ${spread(ratios(jsonOn, jsonOff, rate), 2, '×')} |`,
      );
      console.log(
        `| JSON calls, tracing on − off: gateway CPU per request, per round | ${spread(differences(jsonOn, jsonOff, perUnitMicroseconds), 0, ' µs')} |`,
      );
    }),
  );
}

pinToCore([process.pid], 1);
console.log(
  `operations (${STREAMS} streams × ${EVENTS} events × ~100 B; ${REQUESTS} JSON calls; ${ROUNDS} rounds, paired: median (range) over the rounds)`,
);
console.log('| figure | value |\n| --- | --- |');
await streamViews();
await tracingCost();
