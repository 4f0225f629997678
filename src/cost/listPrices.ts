// The prices flux-triton ships with, for the model aliases in src/agent/models.ts.
//
// Source: Anthropic's model overview and pricing pages (platform.claude.com/docs, "Models
// & pricing"), read 2026-11-30: USD per million tokens, standard (non-batch) rates, 5-minute
// cache writes (the TTL the runner's cache_control uses). Sonnet 5.5's cache read is the
// rate after the 2026-10-07 cut. Haiku 5.5 is priced by prompt length per request. Prices
// change: override them in the graph (`defaults.pricing`) or with `--prices FILE`.
import type { PriceTable } from './priceSchema.js';

export const LIST_PRICES_SOURCE = 'Anthropic list prices (platform.claude.com/docs, models & pricing), read 2026-11-30';

export const LIST_PRICES: Readonly<PriceTable> = Object.freeze({
  'claude-opus-5-5': { input: 4, output: 20, cacheWrite: 5, cacheRead: 0.2 },
  'claude-sonnet-5-5': { input: 2, output: 10, cacheWrite: 2.5, cacheRead: 0.1 },
  'claude-haiku-5-5': {
    input: 0.1,
    output: 0.5,
    cacheWrite: 0.125,
    cacheRead: 0.01,
    longPrompt: { thresholdTokens: 100_000, input: 0.5, output: 2.5, cacheWrite: 0.625, cacheRead: 0.05 },
  },
});
