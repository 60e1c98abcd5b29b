import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/**
 * In a Node of its own (sluice's sources through tsx): opens one event stream on a real
 * socket, then counts, in a heap snapshot, the string pieces the open response keeps as its
 * head (`_header`, a concatenation of one string per header until it is flattened).
 */
const HEAD_PIECES_SCRIPT = `
  const http = await import('node:http');
  const v8 = await import('node:v8');
  const { Gauge, Registry } = await import('prom-client');
  const { SseResponse } = await import('./src/server/sse-response.ts');
  const { SseStreams } = await import('./src/server/sse-streams.ts');
  const gauge = new Gauge({ name: 'open', help: 'open', registers: [new Registry()] });
  const streams = new SseStreams({ heartbeatMs: 60_000, gauge });
  const server = http.createServer((request, response) => {
    SseResponse.open(streams, response, { 'x-request-id': 'request-' + Date.now() });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => http.get({ host: '127.0.0.1', port }, (answer) => answer.once('data', resolve)));
  let text = '';
  for await (const chunk of v8.getHeapSnapshot()) text += chunk;
  const { snapshot, nodes, edges, strings } = JSON.parse(text);
  const fields = snapshot.meta.node_fields.length;
  const edgeFields = snapshot.meta.edge_fields.length;
  const typeOf = (node) => snapshot.meta.node_types[0][nodes[node]];
  const nameOf = (node) => strings[nodes[node + 1]];
  const firstEdge = new Map();
  for (let node = 0, edge = 0; node < nodes.length; node += fields) {
    firstEdge.set(node, edge);
    edge += nodes[node + 4] * edgeFields;
  }
  const edgesOf = (node) => Array.from({ length: nodes[node + 4] }, (_, index) => {
    const edge = firstEdge.get(node) + index * edgeFields;
    return { name: strings[edges[edge + 1]], to: edges[edge + 2] };
  });
  const pieces = (node) => typeOf(node) !== 'concatenated string' ? 0 :
    1 + edgesOf(node).filter(({ name }) => name === 'first' || name === 'second')
      .reduce((sum, { to }) => sum + pieces(to), 0);
  const counts = [];
  for (let node = 0; node < nodes.length; node += fields) {
    if (typeOf(node) !== 'object' || nameOf(node) !== 'ServerResponse') continue;
    const head = edgesOf(node).find(({ name }) => name === '_header');
    if (head) counts.push(pieces(head.to));
  }
  console.log(JSON.stringify(counts));
  process.exit(0);`;

describe('an open event stream', () => {
  it('keeps its response head as one flat string, not a tree of header strings', () => {
    const flags = ['--import', 'tsx', '--input-type=module', '-e', HEAD_PIECES_SCRIPT];
    const output = execFileSync(process.execPath, flags, { encoding: 'utf8' }).trim();
    const piecesPerHead = JSON.parse(output) as number[];
    expect(piecesPerHead).toHaveLength(1);
    // A flattened concatenation stays one piece pointing at its flat copy; unflattened, the
    // head of this stream is about thirty.
    expect(piecesPerHead[0]).toBeLessThanOrEqual(1);
  });
});
