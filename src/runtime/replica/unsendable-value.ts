/**
 * A message to the parent held a value that structured clone cannot copy (a function, a
 * symbol, a promise…): thrown while its frame is written, so that the message can be set
 * aside and its run failed, rather than the replica lost.
 *
 * @example
 * if (error instanceof UnsendableValueError) failTheRun(message, error);
 */
export class UnsendableValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsendableValueError';
  }
}
