/** A JSON Schema node as zod writes it; only the keywords the playground reads. */
export interface SchemaNode {
  readonly type?: string | readonly string[];
  readonly title?: string;
  readonly description?: string;
  readonly default?: unknown;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly required?: readonly string[];
  readonly items?: SchemaNode;
  readonly $ref?: string;
  readonly oneOf?: readonly SchemaNode[];
  readonly anyOf?: readonly SchemaNode[];
}

/** One endpoint of `GET /apps`. */
export interface EndpointEntry {
  readonly path: string;
  readonly description: string | null;
  readonly input_schema: SchemaNode;
  readonly output_schema: SchemaNode | null;
  readonly urls: { readonly run: string; readonly stream: string; readonly attach: string };
  /** The endpoint offers the live mode: each change of an input is sent over a WebSocket. */
  readonly live?: true;
  /** Its JSON and queue results are cached. */
  readonly cache?: { readonly ttl_ms: number };
  /** Its JSON, queue and realtime views run in batches. */
  readonly batch?: { readonly max_size: number; readonly max_wait_ms: number };
}

/** One app of `GET /apps`. */
export interface AppEntry {
  readonly id: string;
  readonly description: string | null;
  readonly status: { readonly state: string };
  readonly endpoints: readonly EndpointEntry[];
}

/**
 * The apps the server serves, from `GET /apps`.
 *
 * @example
 * const apps = await fetchCatalog();
 */
export async function fetchCatalog(): Promise<AppEntry[]> {
  const response = await fetch('/apps');
  if (!response.ok) throw new Error(`GET /apps answered ${response.status}`);
  const body = (await response.json()) as { apps: AppEntry[] };
  return body.apps;
}
