import { isWireDialect, type WireDialect } from '../events/dialects/wire-dialect.js';
import { SluiceError } from '../errors/sluice-error.js';

/** `dialect=<token>` or `dialect="<token>"` among a media range's parameters. */
const DIALECT_PARAMETER = /;\s*dialect\s*=\s*"?([^";,\s]*)"?/i;

function refuse(where: 'query' | 'header', name: string): SluiceError {
  return new SluiceError('invalid_input', 'dialect must be sluice, data or typed', {
    fields: [{ loc: [where, name], msg: 'must be sluice, data or typed', type: 'enum' }],
  });
}

function fromAccept(accept: unknown): string | undefined {
  if (typeof accept !== 'string') return undefined;
  return DIALECT_PARAMETER.exec(accept)?.[1];
}

function fromQuery(query: unknown): string | undefined {
  if (typeof query !== 'object' || query === null) return undefined;
  const value = (query as Record<string, unknown>).dialect;
  return typeof value === 'string' ? value : undefined;
}

/** What a request says about its stream's dialect. */
export interface DialectAsked {
  /** The parsed query string. */
  readonly query: unknown;
  /** The `Accept` header. */
  readonly accept: unknown;
}

/**
 * The dialect a stream is rendered in: `?dialect=` first, else a `dialect` parameter of
 * `Accept` (`text/event-stream; dialect=typed`), else the endpoint's default. A name that is
 * no dialect is refused with 422 `invalid_input`, before the run is submitted.
 *
 * @example
 * chooseDialect('sluice', { query: { dialect: 'data' }, accept: undefined }); // 'data'
 */
export function chooseDialect(fallback: WireDialect, asked: DialectAsked): WireDialect {
  const queried = fromQuery(asked.query);
  if (queried !== undefined) {
    if (!isWireDialect(queried)) throw refuse('query', 'dialect');
    return queried;
  }
  const accepted = fromAccept(asked.accept);
  if (accepted === undefined) return fallback;
  if (!isWireDialect(accepted)) throw refuse('header', 'accept');
  return accepted;
}
