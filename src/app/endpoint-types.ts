import type { z } from 'zod';

/** What a run returns once awaited: an async generator's return value, else the awaited value. */
type RunOutput<Returned> =
  Returned extends AsyncGenerator<unknown, infer Final, never> ? Final : Awaited<Returned>;

/**
 * The output of an endpoint definition, from its `run`'s return type.
 *
 * @example
 * type Output = EndpointOutputOf<{ run: () => Promise<{ url: string }> }>; // { url: string }
 */
export type EndpointOutputOf<Definition> = Definition extends {
  readonly run: (...args: never[]) => infer Returned;
}
  ? RunOutput<Returned>
  : unknown;

/**
 * The input and output types of an app's extra endpoints, by sub-path: what a typed client
 * reads (`client.run(appId, input, { path: '/img2img' })`). Types only.
 *
 * @example
 * type Extra = EndpointTypes<{ '/a': z.ZodObject<{ x: z.ZodNumber }> }, { '/a': { run: () => number } }>;
 */
export type EndpointTypes<Schemas, Given> = {
  readonly [Path in keyof Schemas]: {
    readonly input: Schemas[Path] extends z.ZodType ? z.input<Schemas[Path]> : unknown;
    readonly output: Path extends keyof Given ? EndpointOutputOf<Given[Path]> : unknown;
  };
};
