type PathKey = string | number;

/** Where a value JSON cannot carry sits, and what it is; the path is built only on failure. */
interface Misfit {
  readonly path: PathKey[];
  readonly problem: string;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const LONGEST_KEY_SHOWN = 64;

function keyText(key: PathKey): string {
  if (typeof key === 'number') return `[${key}]`;
  if (IDENTIFIER.test(key) && key.length <= LONGEST_KEY_SHOWN) return `.${key}`;
  const shown = key.length > LONGEST_KEY_SHOWN ? `${key.slice(0, LONGEST_KEY_SHOWN)}…` : key;
  return `[${JSON.stringify(shown)}]`;
}

function primitiveMisfit(value: unknown): string | undefined {
  switch (typeof value) {
    case 'function':
      return 'is a function';
    case 'symbol':
      return 'is a symbol';
    case 'bigint':
      return 'is a BigInt';
    case 'number':
      return Number.isFinite(value) ? undefined : 'is not a finite number';
    case 'boolean':
    case 'object':
    case 'string':
    case 'undefined':
      return undefined;
  }
}

function misfitOf(value: unknown, key: PathKey, ancestors: object[]): Misfit | undefined {
  const problem = primitiveMisfit(value);
  if (problem) return { path: [], problem };
  if (typeof value !== 'object' || value === null) return undefined;
  const toJson = (value as { toJSON?: unknown }).toJSON;
  // As JSON.stringify does: what toJSON returns is what is written.
  if (typeof toJson === 'function')
    return misfitOf(toJson.call(value, String(key)), key, ancestors);
  if (value instanceof Map) return { path: [], problem: 'is a Map' };
  if (value instanceof Set) return { path: [], problem: 'is a Set' };
  if (ancestors.includes(value)) return { path: [], problem: 'is a cycle (it contains itself)' };
  ancestors.push(value);
  const found = Array.isArray(value) ? itemMisfit(value, ancestors) : fieldMisfit(value, ancestors);
  ancestors.pop();
  return found;
}

function itemMisfit(items: readonly unknown[], ancestors: object[]): Misfit | undefined {
  for (let index = 0; index < items.length; index++) {
    const found = misfitOf(items[index], index, ancestors);
    if (found) return (found.path.unshift(index), found);
  }
  return undefined;
}

function fieldMisfit(record: object, ancestors: object[]): Misfit | undefined {
  for (const key of Object.keys(record)) {
    const found = misfitOf((record as Record<string, unknown>)[key], key, ancestors);
    if (found) return (found.path.unshift(key), found);
  }
  return undefined;
}

/**
 * Names the first part of `value` that JSON cannot carry (a function, a symbol, a BigInt, a
 * non-finite number, a Map or Set, a cycle), by its path from `root`; `undefined` when JSON
 * carries all of it. `JSON.stringify` would silently drop, null or empty those, or throw.
 * Only paths go into the answer, never values: it is shown to clients. A field that is
 * `undefined` is left out by JSON, as usual, and is no misfit.
 *
 * @example
 * jsonMisfit({ callback: () => 1 }, 'output'); // 'output.callback is a function'
 */
export function jsonMisfit(value: unknown, root: string): string | undefined {
  // The ancestors are a stack, not a Set: it is as deep as the value, a few levels, and this
  // runs for every event, where a Set's table costs more than a scan of a short array.
  const found = misfitOf(value, '', []);
  if (!found) return undefined;
  return `${root}${found.path.map(keyText).join('')} ${found.problem}`;
}
