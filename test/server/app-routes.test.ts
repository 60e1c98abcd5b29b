import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineApp } from '../../src/app/define-app.js';
import { AppRoutes } from '../../src/server/app-routes.js';

const text = defineApp({ id: 'demo/text', input: z.object({}), run: () => 'text' });
const flux = defineApp({ id: 'flux', input: z.object({}), run: () => 'flux' });

describe('AppRoutes.resolveRun', () => {
  it('resolves the same path the same way every time, and anew once the apps change', () => {
    const routes = new AppRoutes([text]);
    for (let round = 0; round < 2; round++) {
      expect(routes.resolveRun('/demo/text/stream')).toMatchObject({ app: text, view: 'stream' });
      expect(routes.resolveRun('/demo/text')).toMatchObject({ app: text, view: 'sync' });
      expect(routes.resolveRun('/flux')).toBeUndefined();
    }
    routes.replace([flux]);
    expect(routes.resolveRun('/demo/text/stream')).toBeUndefined();
    expect(routes.resolveRun('/flux')).toMatchObject({ app: flux, view: 'sync' });
  });

  it('stays right past the number of paths it remembers', () => {
    const routes = new AppRoutes([text]);
    for (let index = 0; index < 3_000; index++)
      expect(routes.resolveRun(`/demo/text/nowhere-${index}`)).toBeUndefined();
    expect(routes.resolveRun('/demo/text')).toMatchObject({ app: text, view: 'sync' });
  });
});
