import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { defineApp } from '../../src/app/define-app.js';
import { startGateway } from '../support/gateway.js';
import { openPage } from './browser.js';

const styles = { plain: (text: string) => text, upper: (text: string) => text.toUpperCase() };

const echoApp = defineApp({
  id: 'fixture/echo',
  description: 'Echoes text',
  input: z.object({ text: z.string().max(20).default('hello') }),
  run: ({ text }) => ({ text }),
  endpoints: {
    '/styled': {
      description: 'Echoes text in a style',
      input: z.object({
        text: z.string().min(1).max(20).describe('What to echo'),
        style: z.enum(['plain', 'upper']).default('plain').describe('How to print it'),
        repeat: z.number().int().min(1).max(3).default(1),
        loud: z.boolean().default(false).describe('End with an exclamation mark'),
      }),
      run: (input, ctx) => {
        ctx.log('info', `echoing ${input.repeat} times`);
        ctx.log('warn', 'this is only a fixture');
        const word = styles[input.style](input.text) + (input.loud ? '!' : '');
        return { text: Array.from({ length: input.repeat }, () => word).join(' '), input };
      },
    },
  },
});

describe('the playground form', () => {
  it('renders enums as selects and booleans as checkboxes, and runs a sub-path endpoint', async () => {
    await using gateway = await startGateway({ apps: [echoApp] });
    await using browser = await openPage(gateway.url);
    const { page } = browser;
    const posts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST') posts.push(new URL(request.url()).pathname);
    });
    try {
      await page.goto(gateway.url);
      await page.click('[data-testid=apps] a:text("/styled")');
      await page.locator('[data-endpoint="fixture/echo/styled"]').waitFor();
      expect(new URL(page.url()).searchParams.get('path')).toBe('/styled');
      const style = page.locator('select#field-style');
      expect(await style.locator('option').allTextContents()).toEqual(['plain', 'upper']);
      expect(await style.locator('option:checked').textContent()).toBe('plain');
      expect(await page.locator('#field-loud').getAttribute('type')).toBe('checkbox');
      expect(await page.locator('#field-loud').isChecked()).toBe(false);
      expect(await page.locator('[data-field=style] .field-description').textContent()).toBe(
        'How to print it',
      );

      await page.click('[data-testid=run]');
      expect(await page.locator('[data-field-error=text]').textContent()).toBe(
        'Too small: expected string to have >=1 characters',
      );
      await page.fill('#field-text', 'hi');
      await style.selectOption({ label: 'upper' });
      await page.check('#field-loud');
      await page.fill('#field-repeat', '2');
      expect(await page.locator('[data-snippet=curl] code').textContent()).toContain(
        `'{"text":"hi","style":"upper","repeat":2,"loud":true}'`,
      );
      await page.click('[data-testid=run]');
      await page.locator('[data-testid=status][data-state=completed]').waitFor();
      expect(await page.locator('[data-field-error=text]').textContent()).toBe('');
      expect(posts).toEqual(['/fixture/echo/styled/stream']);
      expect(await page.locator('[data-testid=logs] li').allTextContents()).toEqual([
        '[info] echoing 2 times',
        '[warn] this is only a fixture',
      ]);
      const shown = await page.locator('[data-testid=result-json]').textContent();
      expect(JSON.parse(shown!)).toEqual({
        text: 'HI! HI!',
        input: { text: 'hi', style: 'upper', repeat: 2, loud: true },
      });
    } finally {
      await browser.screenshot('playground-form');
    }
  });
});
