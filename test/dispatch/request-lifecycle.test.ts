import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SluiceError } from '../../src/errors/sluice-error.js';
import { RequestLifecycle } from '../../src/dispatch/request-lifecycle.js';
import type { Submission } from '../../src/dispatch/tracked-request.js';
import { TrackedRequests } from '../../src/dispatch/tracked-requests.js';
import { RunControl } from '../../src/runtime/run-control.js';
import { countApp } from '../support/test-apps.js';

function submission(startTimeoutSeconds?: number): Submission {
  const endpoint = countApp.endpoints.get('')!;
  return {
    app: countApp,
    endpoint,
    input: { n: 1 },
    sentInput: { n: '1' },
    owner: 'anonymous',
    cancelOnDisconnect: false,
    startTimeoutSeconds,
  };
}

function lifecycle(startTimeoutSeconds?: number): RequestLifecycle {
  const record = { requestId: 'r1', appId: countApp.id, endpoint: '', owner: 'o', createdAt: 1 };
  return new RequestLifecycle(record, submission(startTimeoutSeconds));
}

const reason = new SluiceError('cancelled', 'The request was cancelled');

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('a request lifecycle', () => {
  it('moves queued → running → ended, stamping each step, and drops the input at the end', () => {
    const request = lifecycle();
    expect(request.state).toBe('queued');
    expect(request.attempt).toBe(0);
    const control = new RunControl('r1');
    expect(request.start({ control, attempt: 2 })).toBe(true);
    expect(request).toMatchObject({ state: 'running', attempt: 2, control });
    expect(request.startedAt).toBe(Date.now());
    vi.advanceTimersByTime(50);
    expect(request.end()).toBe(true);
    expect(request).toMatchObject({ state: 'ended', endedAt: Date.now() });
    expect(request.submission.input).toBeUndefined();
    expect(request.submission.sentInput).toBeUndefined();
    expect(request.submission.app).toBe(countApp);
  });

  it('refuses every transition that does not apply to its state', () => {
    const request = lifecycle();
    request.start();
    expect(request.start()).toBe(false);
    expect(request.timeOut()).toBe(false);
    request.end();
    expect(request.start()).toBe(false);
    expect(request.end()).toBe(false);
    expect(request.cancel(reason)).toBe(false);
    expect(request.state).toBe('ended');
    expect(request.startTimedOut).toBe(false);
  });

  it('ends from the queue without ever starting', () => {
    const request = lifecycle();
    expect(request.timeOut()).toBe(true);
    expect(request.end()).toBe(true);
    expect(request).toMatchObject({ state: 'ended', startTimedOut: true, startedAt: undefined });
  });

  it('keeps the end time its terminal event set', () => {
    const request = lifecycle();
    request.start();
    request.markEnding();
    const ending = Date.now();
    vi.advanceTimersByTime(1_000);
    request.end();
    expect(request.endedAt).toBe(ending);
  });

  it('holds a cancel that comes before the start, and aborts the run with it as it starts', () => {
    const request = lifecycle();
    expect(request.cancel(reason)).toBe(true);
    const control = new RunControl('r1');
    request.start({ control });
    expect(control.signal.aborted).toBe(true);
    expect(control.signal.reason).toBe(reason);
  });

  it('aborts a running run’s control on cancel', () => {
    const request = lifecycle();
    const control = new RunControl('r1');
    request.start({ control });
    expect(request.cancel(reason)).toBe(true);
    expect(control.signal.reason).toBe(reason);
  });
});

describe('a lifecycle’s start timeout', () => {
  it('fires with a `timeout` error while the request is still queued', () => {
    const request = lifecycle(2);
    const fired: SluiceError[] = [];
    request.armStartTimeout((error) => fired.push(error));
    vi.advanceTimersByTime(2_000);
    expect(fired.map((error) => [error.code, error.message])).toEqual([
      ['timeout', 'The request did not start within 2 s'],
    ]);
  });

  it.each([
    ['started', (request: RequestLifecycle) => request.start()],
    ['ended', (request: RequestLifecycle) => request.end()],
  ])('is never armed for a request that already %s', (_, transition) => {
    const request = lifecycle(1);
    transition(request);
    const fired: SluiceError[] = [];
    request.armStartTimeout((error) => fired.push(error));
    vi.advanceTimersByTime(5_000);
    expect(fired).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it.each([
    ['starts', (request: RequestLifecycle) => request.start()],
    ['ends', (request: RequestLifecycle) => request.end()],
    ['is disarmed', (request: RequestLifecycle) => request.disarm()],
  ])('never fires once the request %s', (_, transition) => {
    const request = lifecycle(1);
    const fired: SluiceError[] = [];
    request.armStartTimeout((error) => fired.push(error));
    transition(request);
    vi.advanceTimersByTime(5_000);
    expect(fired).toEqual([]);
  });

  it('is not armed without a start timeout, nor twice', () => {
    lifecycle().armStartTimeout(() => undefined);
    expect(vi.getTimerCount()).toBe(0);
    const request = lifecycle(1);
    request.armStartTimeout(() => undefined);
    request.armStartTimeout(() => undefined);
    expect(vi.getTimerCount()).toBe(1);
  });
});

describe('tracked requests', () => {
  const record = (requestId: string) => ({
    requestId,
    appId: countApp.id,
    endpoint: '',
    owner: 'o',
    createdAt: 1,
  });

  it('counts live requests and ends each once, telling `onEnded` once', () => {
    const ended: string[] = [];
    const requests = new TrackedRequests({ retentionMs: 0, onEnded: (id) => ended.push(id) });
    const first = requests.add(record('a'), submission());
    requests.add(record('b'), submission());
    expect(requests.live).toBe(2);
    expect(requests.end(first)).toBe(true);
    expect(requests.end(first)).toBe(false);
    expect(requests.live).toBe(1);
    expect(ended).toEqual(['a']);
    expect(requests.liveRequests().map((request) => request.record.requestId)).toEqual(['b']);
  });

  it('forgets an ended request at once with no retention, else after it', () => {
    const now = new TrackedRequests({ retentionMs: 0 });
    now.end(now.add(record('a'), submission()));
    expect(now.get('a')).toBeUndefined();
    const later = new TrackedRequests({ retentionMs: 1_000 });
    later.end(later.add(record('a'), submission()));
    expect(later.get('a')?.state).toBe('ended');
    vi.advanceTimersByTime(1_000);
    expect(later.get('a')).toBeUndefined();
  });

  it('forgets requests ended at different times each at the end of its own retention', () => {
    const requests = new TrackedRequests({ retentionMs: 1_000 });
    requests.end(requests.add(record('a'), submission()));
    vi.advanceTimersByTime(400);
    requests.end(requests.add(record('b'), submission()));
    vi.advanceTimersByTime(600);
    expect(requests.get('a')).toBeUndefined();
    expect(requests.get('b')?.state).toBe('ended');
    vi.advanceTimersByTime(399);
    expect(requests.get('b')?.state).toBe('ended');
    vi.advanceTimersByTime(1);
    expect(requests.get('b')).toBeUndefined();
  });

  it('forgets the oldest ended requests early past maxEnded, asked at each end', () => {
    let most = 2;
    const requests = new TrackedRequests({ retentionMs: 60_000, maxEnded: () => most });
    for (const id of ['a', 'b', 'c']) requests.end(requests.add(record(id), submission()));
    expect(requests.get('a')).toBeUndefined();
    expect(requests.get('b')?.state).toBe('ended');
    expect(requests.get('c')?.state).toBe('ended');
    const live = requests.add(record('live'), submission());
    most = 1; // the budget shrank
    requests.end(requests.add(record('d'), submission()));
    expect(['b', 'c', 'd'].map((id) => requests.get(id)?.state)).toEqual([
      undefined,
      undefined,
      'ended',
    ]);
    expect(requests.get('live')).toBe(live); // a live request is never forgotten
    vi.advanceTimersByTime(60_000);
    expect(requests.get('d')).toBeUndefined();
  });

  it('lets go of the run control of a request once it ends', () => {
    const requests = new TrackedRequests({ retentionMs: 1_000 });
    const request = requests.add(record('a'), submission());
    request.start({ control: new RunControl('a') });
    expect(requests.get('a')?.control).toBeDefined();
    requests.end(request);
    expect(requests.get('a')?.control).toBeUndefined();
  });

  it('drops a request whose submission failed without ending it', () => {
    const ended: string[] = [];
    const requests = new TrackedRequests({ retentionMs: 1_000, onEnded: (id) => ended.push(id) });
    requests.add(record('a'), submission());
    requests.drop('a');
    expect(requests.live).toBe(0);
    expect(requests.get('a')).toBeUndefined();
    expect(ended).toEqual([]);
  });

  it('signals each ending, and is idle once nothing is live', async () => {
    const requests = new TrackedRequests({ retentionMs: 0 });
    const request = requests.add(record('a'), submission());
    let idle = false;
    const waiting = requests.whenIdle(10_000).then(() => (idle = true));
    await vi.advanceTimersByTimeAsync(100);
    expect(idle).toBe(false);
    const changed = requests.nextChange();
    requests.end(request);
    await changed;
    await waiting;
    expect(idle).toBe(true);
  });

  it('stops waiting for idle after its timeout', async () => {
    vi.useRealTimers(); // the wait's deadline is an AbortSignal.timeout
    const requests = new TrackedRequests({ retentionMs: 0 });
    requests.add(record('a'), submission());
    await requests.whenIdle(20);
    expect(requests.live).toBe(1);
  });
});
