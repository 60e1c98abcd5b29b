import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { runToEnd } from '../../src/dispatch/run-to-end.js';
import { SluiceError } from '../../src/errors/sluice-error.js';

/** A logger whose first error line throws, as a broken log destination might. */
function loggerFailingOnce() {
  const logger = pino({ enabled: false });
  let failed = false;
  logger.error = () => {
    if (failed) return;
    failed = true;
    throw new Error('the log is gone');
  };
  return logger;
}

describe('runToEnd', () => {
  it('still ends the request when logging its failed run throws', async () => {
    const endings: string[] = [];
    const failed = { ok: false, error: new SluiceError('app_error', 'The app raised TypeError') };
    const settled = await runToEnd({
      requestId: 'r1',
      logger: loggerFailingOnce(),
      execute: () => Promise.resolve(failed),
      end: (error) => {
        endings.push(error.code);
        return Promise.resolve();
      },
    }).then(
      () => 'resolved',
      () => 'rejected',
    );
    expect(settled).toBe('resolved');
    // Ended with what the logger threw, as a run that could not execute, then checked for being
    // left live.
    expect(endings).toEqual(['app_error', 'internal']);
  });

  it('ends a run that returned once, as left live', async () => {
    const endings: [string, boolean][] = [];
    await runToEnd({
      requestId: 'r2',
      logger: pino({ enabled: false }),
      execute: () => Promise.resolve({ ok: true }),
      end: (error, unexpected) => {
        endings.push([error.message, unexpected]);
        return Promise.resolve();
      },
    });
    expect(endings).toEqual([['The run ended without a result', true]]);
  });
});
