import { describe, expect, it } from 'vitest';
import app from '../../examples/audio.js';
import { frequencyOf } from '../../examples/lib/audio/synthesize-note.js';
import { payloadsOf, runApp } from './run-app.js';

interface Chunk {
  readonly content_type: string;
  readonly data_base64: string;
}

interface MelodyResult {
  readonly seconds: number;
  readonly notes: number[];
  readonly seed: number;
}

async function melody(input: Record<string, unknown>) {
  const record = await runApp({ app, state: undefined, input: { speed: 0, ...input } });
  const chunks = payloadsOf<Chunk>(record, 'output');
  const wav = Buffer.concat(chunks.map((chunk) => Buffer.from(chunk.data_base64, 'base64')));
  return { chunks, wav, result: record.result as MelodyResult };
}

/** The dominant frequency of a stretch of samples, by counting upward zero crossings. */
function crossingsPerSecond(samples: Int16Array, sampleRate: number): number {
  let crossings = 0;
  for (let index = 1; index < samples.length; index++)
    if (samples[index - 1]! < 0 && samples[index]! >= 0) crossings++;
  return (crossings * sampleRate) / samples.length;
}

describe('demo/melody', () => {
  it('streams a WAV header whose lengths are the whole file’s, then one chunk per note', async () => {
    const { chunks, wav, result } = await melody({ notes: 8, tempo: 120, seed: 5 });
    expect(chunks).toHaveLength(9);
    expect(chunks.every((chunk) => chunk.content_type === 'audio/wav')).toBe(true);
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
    expect(wav.toString('ascii', 8, 16)).toBe('WAVEfmt ');
    expect(wav.readUInt32LE(4)).toBe(wav.length - 8);
    expect(wav.readUInt32LE(24)).toBe(22_050);
    expect(wav.readUInt32LE(40)).toBe(wav.length - 44);
    // Eight beats at 120 bpm, the fourth and eighth held for two: 10 × 0.5 s.
    expect(result.seconds).toBeCloseTo(5);
    expect(wav.length - 44).toBe(5 * 22_050 * 2);
  });

  it('plays the notes it names, at their pitch', async () => {
    const { chunks, result } = await melody({ notes: 4, tempo: 60, seed: 9 });
    for (const [index, midi] of result.notes.entries()) {
      const pcm = Buffer.from(chunks[index + 1]!.data_base64, 'base64');
      const samples = new Int16Array(pcm.buffer, pcm.byteOffset, pcm.length / 2);
      expect(samples.some((sample) => Math.abs(sample) > 8_000)).toBe(true);
      // The fundamental dominates the overtones' crossings within a few percent.
      expect(crossingsPerSecond(samples, 22_050) / frequencyOf(midi)).toBeCloseTo(1, 1);
    }
  });

  it('is the same melody for the same seed, another for another', async () => {
    const first = await melody({ notes: 12, seed: 1 });
    expect((await melody({ notes: 12, seed: 1 })).wav.equals(first.wav)).toBe(true);
    expect((await melody({ notes: 12, seed: 2 })).result.notes).not.toEqual(first.result.notes);
    expect(first.result.seed).toBe(1);
  });
});
