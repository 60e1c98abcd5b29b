import type { ServedEndpoint } from '../app/define-app.js';
import type { RunContext } from '../app/app-types.js';
import { SluiceError, isSluiceError } from '../errors/sluice-error.js';

/** What an endpoint's prepare step gave: its value and how long it took. */
export interface PrepareResult {
  readonly value: unknown;
  readonly seconds: number;
}

/** A failure of the prepare step: a `SluiceError` keeps its code, anything else is `prepare_failed`. */
function prepareError(thrown: unknown): SluiceError {
  if (isSluiceError(thrown)) return thrown;
  const name = thrown instanceof Error ? thrown.name : typeof thrown;
  return new SluiceError('prepare_failed', `The prepare step raised ${name}`, { cause: thrown });
}

/**
 * Runs an endpoint's `prepare` for one request, or rejects as soon as the run's signal
 * aborts: `undefined` when the endpoint has none. Its time is its own, apart from the run's.
 *
 * @example
 * const prepared = await runPrepare(endpoint, input, context);
 */
export async function runPrepare(
  endpoint: ServedEndpoint,
  input: unknown,
  context: RunContext,
): Promise<PrepareResult | undefined> {
  const { prepare } = endpoint;
  if (!prepare) return undefined;
  const started = performance.now();
  const { signal } = context;
  const value = await new Promise((resolve, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
    Promise.resolve()
      .then(() => prepare(input, context))
      .then(resolve, (thrown: unknown) => reject(prepareError(thrown)));
  });
  const seconds = (performance.now() - started) / 1000;
  context.log('debug', `prepare finished in ${(seconds * 1000).toFixed(1)} ms`);
  return { value, seconds };
}
