import type { SluiceError } from '../errors/sluice-error.js';

/** What a developer needs to fix a failed run: the app's own error, its stack and causes. */
export interface FailureDetail {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly cause?: FailureDetail;
}

/** Causes followed at most this deep (a cycle of causes ends here). */
const MAX_CAUSE_DEPTH = 5;
const MAX_TEXT = 16_384;

/** Errors that only wrap the app's own exception (`The app raised TypeError`). */
const wrappers = new WeakSet<Error>();
/** Details that came with an error from elsewhere (a replica process). */
const carried = new WeakMap<Error, FailureDetail>();

/**
 * Marks a SluiceError as a wrapper of its `cause`: its detail is the cause's.
 *
 * @example
 * markWrapper(new SluiceError('app_error', 'The app raised Error', { cause }));
 */
export function markWrapper<E extends Error>(error: E): E {
  wrappers.add(error);
  return error;
}

/**
 * Attaches a detail that arrived with an error (over IPC), so the log shows the original.
 *
 * @example
 * carryDetail(fromWireError(wire), wire.detail);
 */
export function carryDetail<E extends Error>(error: E, detail: FailureDetail | undefined): E {
  if (detail) carried.set(error, detail);
  return error;
}

function clip(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}

/**
 * Any thrown value as a {@link FailureDetail}: message, stack and causes.
 *
 * @example
 * describeThrown(new Error('CUDA out of memory')).message; // 'CUDA out of memory'
 */
export function describeThrown(thrown: unknown, depth = 0): FailureDetail {
  if (!(thrown instanceof Error)) return { name: typeof thrown, message: clip(String(thrown)) };
  const known = carried.get(thrown);
  if (known) return known;
  const cause =
    thrown.cause === undefined || depth >= MAX_CAUSE_DEPTH
      ? {}
      : { cause: describeThrown(thrown.cause, depth + 1) };
  const stack = thrown.stack === undefined ? {} : { stack: clip(thrown.stack) };
  return { name: thrown.name, message: clip(thrown.message), ...stack, ...cause };
}

/**
 * The detail of a run's failure: the app's own exception when sluice only wrapped it,
 * else the SluiceError itself with its causes.
 *
 * @example
 * failureDetail(toTerminalError(new Error('boom'))).message; // 'boom'
 */
export function failureDetail(error: SluiceError): FailureDetail {
  const known = carried.get(error);
  if (known) return known;
  if (wrappers.has(error)) return describeThrown(error.cause);
  return describeThrown(error);
}
