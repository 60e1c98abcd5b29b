import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SluiceError } from '../../../src/errors/sluice-error.js';
import { createRuntime } from '../../../src/runtime/create-runtime.js';
import type { Runtime } from '../../../src/runtime/runtime.js';
import { SEND_CHARS } from '../../../src/runtime/event-writer.js';
import { LINK_WINDOW_CHARS } from '../../../src/runtime/replica/link-window.js';
import { replicaEcho } from '../../fixtures/replica-echo.js';
import { fixtureUrl, runtimeJob } from './replica-harness.js';

/** Outputs of `{"i":…,"pid":…}` (about 25 characters each) that overfill the link window. */
const OVERFILL = Math.ceil((2 * LINK_WINDOW_CHARS) / 20);

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A gate the test opens: appends wait on it, so the replica's link stays full until then. */
function gate() {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { wait: () => opened, open };
}

describe('a replica whose link to the gateway is full', () => {
  let runtime: Runtime;

  beforeEach(async () => {
    const app = { app: replicaEcho, moduleUrl: fixtureUrl('replica-echo.ts') };
    runtime = createRuntime([app], { replicas: 1, maxConcurrency: 4 }); // room for every run
    await runtime.start();
  });

  afterEach(() => runtime.close());

  /**
   * Starts runs whose first appends are not acknowledged until `open`: a run sends at most
   * SEND_CHARS at a time, so it takes more than the window's share of them to fill the link.
   */
  async function fillTheLink() {
    const acknowledgements = gate();
    const count = Math.floor(LINK_WINDOW_CHARS / SEND_CHARS) + 1;
    const fillers = Array.from({ length: count }, () =>
      runtimeJob({ n: OVERFILL }, acknowledgements.wait),
    );
    const outcomes = Promise.all(fillers.map((filler) => runtime.execute(filler)));
    while (fillers.some((filler) => filler.events.length === 0)) await pause(10);
    return { fillers, outcomes, open: acknowledgements.open };
  }

  it('starts a new run only once what was sent before is acknowledged', async () => {
    const { fillers, outcomes, open } = await fillTheLink();
    const next = runtimeJob({ n: 1 });
    const nextOutcome = runtime.execute(next);
    await pause(300);
    expect(next.events).toEqual([]); // not started: it would have emitted at once
    open();
    expect(await outcomes).toEqual(fillers.map(() => ({ ok: true })));
    for (const filler of fillers)
      expect(filler.events.filter((event) => event.type === 'output')).toHaveLength(OVERFILL);
    expect(await nextOutcome).toEqual({ ok: true });
    expect(next.events.map((event) => event.type)).toEqual(['output', 'result']);
  });

  it('ends a run cancelled while it waits to start at once, with cancelled', async () => {
    const { fillers, outcomes, open } = await fillTheLink();
    const waiting = runtimeJob({ n: 1 });
    const waitingOutcome = runtime.execute(waiting);
    await pause(100);
    waiting.control.abort(new SluiceError('cancelled', 'Changed my mind'));
    expect(await waitingOutcome).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect(waiting.events.map((event) => event.type)).toEqual(['error']);
    open();
    expect(await outcomes).toEqual(fillers.map(() => ({ ok: true })));
  });
});
