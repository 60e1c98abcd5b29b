import { describe, expect, it } from 'vitest';
import { NgramModel } from '../../examples/lib/ngram/ngram-model.js';
import { sampleToken } from '../../examples/lib/ngram/sample-token.js';
import { spaceToken, tokenize } from '../../examples/lib/ngram/tokenize.js';
import { SeededRandom } from '../../examples/lib/seeded-random.js';

describe('the n-gram model', () => {
  it('tokenizes into words and punctuation, and spaces them back into the same text', () => {
    const text = "The keeper's gate was half-open, at last. Was it?";
    const tokens = tokenize(text);
    expect(tokens).toEqual([
      'The',
      "keeper's",
      'gate',
      'was',
      'half-open',
      ',',
      'at',
      'last',
      '.',
      'Was',
      'it',
      '?',
    ]);
    expect(tokens.reduce((joined, token) => joined + spaceToken(token, joined), '')).toBe(text);
  });

  it('prefers the trigram, backs off to the bigram, then to all tokens', () => {
    const model = NgramModel.fromTokens(tokenize('the river ran . a river rose . the river ran'));
    const afterTheRiver = model.nextTokenWeights(['The', 'River']);
    expect(afterTheRiver.get('ran')).toBeGreaterThan(afterTheRiver.get('rose') ?? 0);
    expect(afterTheRiver.get('rose')).toBeGreaterThan(0);
    expect([...model.nextTokenWeights(['unknown', 'river']).keys()]).toEqual(['ran', 'rose']);
    expect(model.nextTokenWeights(['unknown']).size).toBe(model.vocabularySize);
  });

  it('samples greedily at temperature 0 and by weight otherwise', () => {
    const weights = new Map([
      ['river', 0.9],
      ['sea', 0.1],
    ]);
    const random = new SeededRandom(9);
    expect(sampleToken(weights, 0, random)).toBe('river');
    const draws = Array.from({ length: 1000 }, () => sampleToken(weights, 1, random));
    const seaShare = draws.filter((token) => token === 'sea').length / draws.length;
    expect(seaShare).toBeGreaterThan(0.05);
    expect(seaShare).toBeLessThan(0.15);
  });
});
