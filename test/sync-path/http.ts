/** A JSON answer: its status, headers and parsed body. */
export interface JsonAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

/** POSTs `input` as JSON and reads the answer (its body parsed when it is JSON). */
export async function postJson(
  url: string,
  input: unknown,
  headers: Record<string, string> = {},
): Promise<JsonAnswer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(input),
  });
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  const body: unknown = type.includes('json') ? JSON.parse(text) : text;
  return { status: response.status, headers: response.headers, body };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Submits to the queue view, polls until the request completes, and reads its result. */
export async function queueCall(
  base: string,
  appPath: string,
  call: { readonly input: unknown; readonly headers?: Record<string, string> },
): Promise<JsonAnswer & { readonly submitted: JsonAnswer }> {
  const submitted = await postJson(`${base}/queue/${appPath}`, call.input, call.headers);
  const { request_id: requestId } = submitted.body as { request_id: string };
  const root = `${base}/queue/${appPath}/requests/${requestId}`;
  for (let attempt = 0; attempt < 500; attempt++) {
    const status = (await (await fetch(`${root}/status`)).json()) as { status: string };
    if (status.status === 'COMPLETED') break;
    await sleep(10);
  }
  const response = await fetch(root);
  return {
    submitted,
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as unknown,
  };
}

/** Reads `/metrics` and returns the lines of one metric. */
export async function metricLines(base: string, name: string): Promise<string[]> {
  const text = await (await fetch(`${base}/metrics`)).text();
  return text.split('\n').filter((line) => line.startsWith(name));
}
