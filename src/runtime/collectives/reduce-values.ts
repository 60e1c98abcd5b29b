import type { Reducible, ReduceOperation, TypedArray } from '../../app/app-types.js';
import { SluiceError } from '../../errors/sluice-error.js';

type Element = number | bigint;
type Combine = (left: Element, right: Element) => Element;

const COMBINERS: Record<ReduceOperation, Combine> = {
  sum: (left, right) => (left as number) + (right as number),
  max: (left, right) => (left > right ? left : right),
  min: (left, right) => (left < right ? left : right),
};

/**
 * Whether `operation` is one `allReduce` knows.
 *
 * @example
 * isReduceOperation('sum'); // true
 */
export function isReduceOperation(operation: unknown): operation is ReduceOperation {
  return typeof operation === 'string' && Object.hasOwn(COMBINERS, operation);
}

function isTypedArray(value: unknown): value is TypedArray {
  return ArrayBuffer.isView(value) && !(value instanceof DataView);
}

/** A short name for a value's kind, for error messages: `number`, `array`, `Float32Array`. */
function kindOf(value: unknown): string {
  if (typeof value === 'number') return 'number';
  if (Array.isArray(value)) return 'array';
  if (isTypedArray(value)) return value.constructor.name;
  return typeof value;
}

/**
 * Why a value cannot be reduced, or `undefined` if it can: a finite-or-not number, an array
 * of numbers, or any typed array.
 *
 * @example
 * reducibleProblem('text'); // 'allReduce needs a number, an array of numbers or a typed array'
 */
export function reducibleProblem(value: unknown): string | undefined {
  if (typeof value === 'number' || isTypedArray(value)) return undefined;
  if (Array.isArray(value) && value.every((element) => typeof element === 'number')) {
    return undefined;
  }
  return 'allReduce needs a number, an array of numbers or a typed array';
}

function checkSameShape(first: unknown, other: unknown, describeRank: string): void {
  const firstKind = kindOf(first);
  const otherKind = kindOf(other);
  if (firstKind !== otherKind) {
    throw new SluiceError(
      'app_error',
      `allReduce: ${describeRank} sent a ${otherKind} where rank 0 sent a ${firstKind}`,
    );
  }
  const firstLength = (first as { length?: number }).length;
  const otherLength = (other as { length?: number }).length;
  if (firstLength !== otherLength) {
    throw new SluiceError(
      'app_error',
      `allReduce: ${describeRank} sent ${String(otherLength)} elements where rank 0 sent ${String(firstLength)}; lengths must match`,
    );
  }
}

function combineInto(
  target: { [index: number]: Element; length: number },
  source: ArrayLike<Element>,
  combine: Combine,
): void {
  for (let index = 0; index < target.length; index++) {
    target[index] = combine(target[index] as Element, source[index] as Element);
  }
}

function copyOf(value: Reducible): Reducible {
  if (typeof value === 'number') return value;
  if (Array.isArray(value)) return [...(value as readonly number[])];
  return (value as TypedArray).slice();
}

/**
 * Combines one value per rank, given in rank order, element-wise. Every rank reduces the
 * same values in the same order, so every rank gets the same bits, floats included.
 * Integer typed arrays wrap on overflow, as their own arithmetic does.
 *
 * @example
 * reduceValues([new Float32Array([1, 5]), new Float32Array([3, 2])], 'max'); // Float32Array [3, 5]
 */
export function reduceValues<Value extends Reducible>(
  values: readonly Value[],
  operation: ReduceOperation,
): Value {
  const [first, ...rest] = values;
  if (first === undefined) throw new SluiceError('internal', 'allReduce over no values');
  const combine = COMBINERS[operation];
  rest.forEach((value, index) => checkSameShape(first, value, `rank ${index + 1}`));
  if (typeof first === 'number') {
    return rest.reduce<number>(
      (total, value) => combine(total, value as number) as number,
      first,
    ) as Value;
  }
  const result = copyOf(first) as unknown as { [index: number]: Element; length: number };
  for (const value of rest) combineInto(result, value as unknown as ArrayLike<Element>, combine);
  return result as unknown as Value;
}
