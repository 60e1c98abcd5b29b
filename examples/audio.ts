import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { defineApp } from 'sluice';
import { composeMelody } from './lib/audio/compose-melody.js';
import { samplesOf, synthesizeNote, type Note } from './lib/audio/synthesize-note.js';
import { wavHeader } from './lib/audio/wav-header.js';
import { pickSeed, SeededRandom, seedField } from './lib/seeded-random.js';

const SAMPLE_RATE = 22_050;
const CONTENT_TYPE = 'audio/wav';

const input = z.object({
  notes: z.number().int().min(1).max(64).default(24).describe('How many notes to play'),
  tempo: z.number().int().min(40).max(300).default(150).describe('Beats per minute'),
  root: z
    .number()
    .int()
    .min(36)
    .max(84)
    .default(60)
    .describe('The key: the MIDI note the scale starts on (60 is middle C)'),
  seed: seedField('melody'),
  speed: z
    .number()
    .min(0)
    .max(100)
    .default(2)
    .describe('How much faster than it plays the audio is computed; 0 is as fast as possible'),
});

const output = z.object({
  seconds: z.number().describe('The melody’s length'),
  notes: z.array(z.number().int()).describe('The MIDI notes played'),
  content_type: z.string().describe('The media view’s content type'),
  seed: z.number().int().describe('The seed used: pass it again to get the same melody'),
});

function bytesOf(notes: readonly Note[]): number {
  return notes.reduce((sum, note) => sum + samplesOf(note, SAMPLE_RATE) * 2, 0);
}

/**
 * Composes a melody and synthesizes it note by note as 16-bit PCM in a WAV stream: the
 * header first (its length known in advance), then each note's samples as one binary
 * output, paced `speed` times faster than it plays. The request's media view
 * (`GET /demo/melody/requests/{id}/media`) plays in an `<audio>` element while it runs.
 *
 * @example
 * // sluice serve examples/audio.ts, then:
 * // curl -X POST localhost:8000/queue/demo/melody -d '{"seed":3}'   → request_id
 * // open localhost:8000/demo/melody/requests/<request_id>/media in a browser
 */
export default defineApp({
  id: 'demo/melody',
  description:
    'Synthesizes a melody as WAV audio, one binary chunk per note, playable as it streams',
  input,
  output,
  async run({ notes: count, tempo, root, seed: given, speed }, ctx) {
    const seed = given ?? pickSeed();
    const notes = composeMelody({
      count,
      root,
      beatSeconds: 60 / tempo,
      random: new SeededRandom(seed),
    });
    ctx.emit(wavHeader({ sampleRate: SAMPLE_RATE, channels: 1 }, bytesOf(notes)), {
      contentType: CONTENT_TYPE,
    });
    const started = performance.now();
    let played = 0;
    for (const [index, note] of notes.entries()) {
      const due = speed > 0 ? started + (played * 1000) / speed - performance.now() : 0;
      await sleep(Math.max(0, due), undefined, { signal: ctx.signal });
      ctx.emit(synthesizeNote(note, SAMPLE_RATE), { contentType: CONTENT_TYPE });
      ctx.progress(index + 1, notes.length, { message: `Note ${index + 1}/${notes.length}` });
      played += note.seconds;
    }
    return {
      seconds: played,
      notes: notes.map((note) => note.midi),
      content_type: CONTENT_TYPE,
      seed,
    };
  },
});
