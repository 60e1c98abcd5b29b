import { z } from 'zod';
import { defineApp, SluiceError } from 'sluice';
import { SeededRandom } from './lib/seeded-random.js';

/**
 * A churn scorer over a feature store: `prepare` resolves a user's features (the way
 * Feast's Redis online store serves them: one hash per entity) from Redis when the server
 * was started with `--redis <url>`, from memory otherwise; the model is a logistic
 * regression over them, batched and cached. The store is generated (seeded) at setup.
 */
const USERS = 1_000;
const FEATURES = ['tenure_days', 'sessions_7d', 'spend_30d', 'tickets_30d', 'discount_rate'];
const WEIGHTS = [-0.004, -0.09, -0.002, 0.45, 1.8];
const BIAS = 0.3;

type FeatureRow = readonly number[];

/** One user's generated features. */
function generatedRow(random: SeededRandom): FeatureRow {
  return [
    Math.floor(random.next() * 2_000),
    Math.floor(random.next() * 40),
    Math.round(random.next() * 50_000) / 100,
    Math.floor(random.next() * 6),
    Math.round(random.next() * 100) / 100,
  ];
}

interface FeatureStore {
  lookup(user: number): Promise<FeatureRow | undefined>;
}

function redisArgument(): string | undefined {
  const index = process.argv.indexOf('--redis');
  return index === -1 ? undefined : process.argv[index + 1];
}

async function openStore(): Promise<FeatureStore> {
  const random = new SeededRandom(42);
  const rows = Array.from({ length: USERS }, () => generatedRow(random));
  const url = redisArgument();
  if (!url) return { lookup: (user) => Promise.resolve(rows[user]) };
  const { Redis } = await import('ioredis');
  const redis = new Redis(url);
  const keyOf = (user: number) => `feature-store-example:user:${user}`;
  const write = redis.pipeline();
  rows.forEach((row, user) =>
    write.hset(keyOf(user), Object.fromEntries(FEATURES.map((name, at) => [name, row[at]]))),
  );
  await write.exec();
  return {
    async lookup(user) {
      const hash = await redis.hgetall(keyOf(user));
      if (Object.keys(hash).length === 0) return undefined;
      return FEATURES.map((name) => Number(hash[name]));
    },
  };
}

function churnProbability(row: FeatureRow): number {
  const logit = row.reduce((sum, value, at) => sum + value * WEIGHTS[at]!, BIAS);
  return 1 / (1 + Math.exp(-logit));
}

function scored(row: FeatureRow) {
  const probability = churnProbability(row);
  return {
    churn_probability: Math.round(probability * 10_000) / 10_000,
    at_risk: probability > 0.5,
  };
}

export default defineApp({
  id: 'demo/churn',
  description: 'Scores a user’s churn risk from a feature store (Redis hash or memory)',
  input: z.object({
    user: z
      .number()
      .int()
      .min(0)
      .describe(`A user id, 0 to ${USERS - 1}`),
  }),
  setup: async () => ({ store: await openStore() }),
  async prepare({ user }, ctx) {
    const row = await ctx.state.store.lookup(user);
    if (!row) throw new SluiceError('invalid_input', 'The feature store has no such user');
    return row;
  },
  cache: { ttlMs: 30_000, maxEntries: 10_000 },
  batch: { maxSize: 16, maxWaitMs: 2 },
  runBatch: (_inputs, ctx) => ctx.items.map((item) => scored(item.prepared as FeatureRow)),
  run: (_input, ctx) => scored(ctx.prepared as FeatureRow),
});
