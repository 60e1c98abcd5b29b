import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** Runs `body` in a Node with V8's natives syntax, sluice's sources loaded through tsx. */
function withNatives(body: string): string {
  const script = `
    const { createRunContext } = await import('./src/runtime/run-context.ts');
    const { RunControl } = await import('./src/runtime/run-control.ts');
    const make = () => createRunContext({
      requestId: 'r', state: undefined, control: new RunControl('r'),
      writer: { push() {} }, previewQuality: 70, fail() {},
    });
    ${body}`;
  const flags = ['--allow-natives-syntax', '--import', 'tsx', '--input-type=module', '-e', script];
  return execFileSync(process.execPath, flags, { encoding: 'utf8' }).trim();
}

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
