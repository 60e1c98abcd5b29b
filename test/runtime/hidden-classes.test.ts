import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** Runs `body` in a Node with V8's natives syntax, sluice's sources loaded through tsx. */
function withNatives(body: string): string {
  const script = `
    const { createRunContext } = await import('./src/runtime/run-context.ts');
    const { trackSettlement } = await import('./src/runtime/replica/track-settlement.ts');
    const { resultMessage } = await import('./src/server/realtime/realtime-messages.ts');
    const { RunControl } = await import('./src/runtime/run-control.ts');
    const make = () => createRunContext({
      requestId: 'r', state: undefined, control: new RunControl('r'),
      writer: { push() {} }, previewQuality: 70, fail() {},
    });
    ${body}`;
  const flags = ['--allow-natives-syntax', '--import', 'tsx', '--input-type=module', '-e', script];
  return execFileSync(process.execPath, flags, { encoding: 'utf8' }).trim();
}

/** Whether `make` (a JavaScript expression of `index`) gives 50 objects one hidden class. */
function shareOneHiddenClass(make: string): boolean {
  const answer = withNatives(`
    const made = Array.from({ length: 50 }, (_, index) => ${make});
    console.log(made.every((object) => %HaveSameMap(object, made[0])));`);
  return answer === 'true';
}

describe('objects made per run or per message share one hidden class', () => {
  it('a replica run’s tracked endpoint', () => {
    const endpoint = `{ path: '', description: undefined, input: {}, run: () => index, limits: {} }`;
    expect(shareOneHiddenClass(`trackSettlement(${endpoint}).endpoint`)).toBe(true);
  });

  it('a realtime result message', () => {
    expect(shareOneHiddenClass(`resultMessage('id-' + index, { x: index, text: 'a' })`)).toBe(true);
  });
});

describe('the run context object', () => {
  it('keeps fast properties and one hidden class for every run', () => {
    const answer = withNatives(`
      const first = make(), second = make();
      console.log(JSON.stringify([%HasFastProperties(first), %HaveSameMap(first, second)]));`);
    expect(JSON.parse(answer)).toEqual([true, true]);
  });

  it('makes its signal when first read, and a spread copy carries it', () => {
    const answer = withNatives(`
      const context = make();
      const copy = { ...context };
      console.log(JSON.stringify([
        copy.signal instanceof AbortSignal,
        context.signal === copy.signal,
        Object.keys(context).includes('signal'),
      ]));`);
    expect(JSON.parse(answer)).toEqual([true, true, true]);
  });
});
