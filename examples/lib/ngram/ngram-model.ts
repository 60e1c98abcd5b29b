/** How often each token followed a context, in the order the tokens were first seen. */
export type TokenWeights = Map<string, number>;

/** How much of the next-token distribution comes from the trigram when one is known. */
const TRIGRAM_SHARE = 0.85;

function countInto(table: Map<string, TokenWeights>, context: string, token: string): void {
  const counts = table.get(context) ?? new Map<string, number>();
  counts.set(token, (counts.get(token) ?? 0) + 1);
  table.set(context, counts);
}

/** Adds `counts`, scaled to sum to `share`, into `into`. */
function addScaled(counts: TokenWeights, share: number, into: TokenWeights): void {
  let total = 0;
  for (const count of counts.values()) total += count;
  for (const [token, count] of counts) {
    into.set(token, (into.get(token) ?? 0) + (share * count) / total);
  }
}

/**
 * A word-level trigram language model with backoff: the next token is drawn from what
 * followed the last two tokens in the corpus (mixed with what followed the last one), or,
 * for an unseen context, from what followed the last token, or from all tokens. Contexts
 * match case-insensitively; tokens keep the case they had in the corpus.
 *
 * @example
 * const model = NgramModel.fromTokens(tokenize(corpus));
 * const weights = model.nextTokenWeights(['the', 'river']);
 */
export class NgramModel {
  private readonly trigrams = new Map<string, TokenWeights>();
  private readonly bigrams = new Map<string, TokenWeights>();
  private readonly unigrams: TokenWeights = new Map();

  private constructor() {}

  /** Counts every unigram, bigram and trigram of `tokens`. */
  static fromTokens(tokens: readonly string[]): NgramModel {
    const model = new NgramModel();
    const keys = tokens.map((token) => token.toLowerCase());
    tokens.forEach((token, index) => {
      model.unigrams.set(token, (model.unigrams.get(token) ?? 0) + 1);
      if (index >= 1) countInto(model.bigrams, keys[index - 1] ?? '', token);
      if (index >= 2) countInto(model.trigrams, `${keys[index - 2]} ${keys[index - 1]}`, token);
    });
    return model;
  }

  /** Distinct tokens seen. */
  get vocabularySize(): number {
    return this.unigrams.size;
  }

  /** The probabilities of the next token after `history` (only its last two tokens count). */
  nextTokenWeights(history: readonly string[]): TokenWeights {
    const [previous, last] = history.slice(-2).map((token) => token.toLowerCase());
    const lastKey = last ?? previous ?? '';
    const trigram = last === undefined ? undefined : this.trigrams.get(`${previous} ${last}`);
    const bigram = this.bigrams.get(lastKey);
    const weights: TokenWeights = new Map();
    if (trigram) addScaled(trigram, TRIGRAM_SHARE, weights);
    if (bigram) addScaled(bigram, trigram ? 1 - TRIGRAM_SHARE : 1, weights);
    if (!trigram && !bigram) addScaled(this.unigrams, 1, weights);
    return weights;
  }
}
