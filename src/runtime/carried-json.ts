import { toAsciiJson } from '../events/ascii-json.js';
import { jsonMisfit } from '../events/json-misfit.js';

/** Why an app's value was not written: a phrase that follows "The app emitted an output …". */
export interface Uncarried {
  readonly problem: string;
  readonly cause?: unknown;
}

/**
 * The JSON of a value an app emitted or returned, or why JSON cannot carry it, naming the
 * field by its path from `root` (never its value). Checked before writing, since
 * `JSON.stringify` drops functions and symbols and nulls non-finite numbers without a word.
 *
 * @example
 * carriedJson({ callback: () => 1 }, 'output'); // { problem: 'that JSON cannot carry: output.callback is a function' }
 */
export function carriedJson(value: unknown, root: string): string | Uncarried {
  try {
    const misfit = jsonMisfit(value, root);
    if (misfit) return { problem: `that JSON cannot carry: ${misfit}` };
    return toAsciiJson(value);
  } catch (error) {
    // A toJSON or getter that throws, or nesting deeper than the stack.
    return { problem: 'that could not be written as JSON', cause: error };
  }
}
