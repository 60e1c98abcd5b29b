import { describe, expect, it } from 'vitest';
import audioApp from '../../examples/audio.js';
import { startGateway } from '../support/gateway.js';
import { POLL, openPage } from './browser.js';

interface PlayerState {
  readonly src: string;
  readonly currentTime: number;
  readonly duration: number;
  readonly readyState: number;
  readonly error: number | null;
  /** The run's state when the player was read. */
  readonly run: string | undefined;
}

/** Runs demo/melody in the playground (with `apiKey` entered, if any) and reads the player. */
async function playMelody(gatewayUrl: string, name: string, apiKey?: string) {
  await using browser = await openPage(gatewayUrl);
  const { page } = browser;
  try {
    await page.goto(`${gatewayUrl}/?app=demo/melody`);
    if (apiKey !== undefined) await page.fill('[aria-label="API key"]', apiKey);
    // 16 notes at 120 bpm (four of them held twice as long): 10 s, computed in real time.
    await page.fill('#field-notes', '16');
    await page.fill('#field-tempo', '120');
    await page.fill('#field-speed', '1');
    await page.fill('#field-seed', '4');
    await page.click('[data-testid=run]');
    const audio = page.locator('[data-testid=media] audio');
    await audio.waitFor();
    const read = () =>
      page.evaluate((): PlayerState => {
        const player = document.querySelector<HTMLAudioElement>('[data-testid=media] audio')!;
        const status = document.querySelector<HTMLElement>('[data-testid=status]');
        return {
          src: player.src,
          currentTime: player.currentTime,
          duration: player.duration,
          readyState: player.readyState,
          error: player.error?.code ?? null,
          run: status?.dataset.state,
        };
      });
    // Playing: a second and a half heard while the run still computes the rest.
    await expect.poll(async () => (await read()).currentTime, POLL).toBeGreaterThan(1.5);
    const playing = await read();
    expect(playing.run, JSON.stringify(playing)).toBe('running');
    expect(playing.error).toBeNull();
    expect(playing.readyState).toBeGreaterThanOrEqual(2); // HAVE_CURRENT_DATA
    // A chunked answer without a length is a live stream to Chromium: Infinity until it ends.
    expect(playing.duration).toBeGreaterThan(0);
    const requestId = new URL(page.url()).searchParams.get('request');
    await page.locator('[data-testid=status][data-state=completed]').waitFor({ timeout: 20_000 });
    expect(await page.locator('[data-testid=output]').textContent()).toContain(
      '[audio/wav, 44 bytes]',
    );
    expect(browser.foreignRequests).toEqual([]);
    return { playing, requestId };
  } finally {
    await browser.screenshot(name);
  }
}

describe('the playground plays an app’s audio while it streams', () => {
  it('an <audio> element on the media view plays demo/melody before the run ends', async () => {
    await using gateway = await startGateway({ apps: [audioApp] });
    const { playing, requestId } = await playMelody(gateway.url, 'playground-audio');
    expect(playing.src).toBe(`${gateway.url}/demo/melody/requests/${requestId}/media`);
  });

  it('plays on a server with API keys, the player holding a token for the app in its URL', async () => {
    await using gateway = await startGateway({ apps: [audioApp], apiKeys: ['audio-key'] });
    const { playing, requestId } = await playMelody(
      gateway.url,
      'playground-audio-keyed',
      'audio-key',
    );
    const src = new URL(playing.src);
    expect(`${src.origin}${src.pathname}`).toBe(
      `${gateway.url}/demo/melody/requests/${requestId}/media`,
    );
    const token = src.searchParams.get('fal_jwt_token');
    expect(token).toMatch(/^sl1\./);
    expect(playing.src).not.toContain('audio-key');
    // The token alone (no header) opens the finished request's media.
    const media = await fetch(playing.src, { headers: { range: 'bytes=0-43' } });
    expect(media.status).toBe(206);
    expect((await fetch(`${src.origin}${src.pathname}`)).status).toBe(401);
  });
});
