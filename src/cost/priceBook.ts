// Which price applies to a model, and what a turn's usage costs. Later tables override
// earlier ones per model: shipped list prices, then the graph's `defaults.pricing`, then
// `--prices FILE`. A model with no price costs `null` (unknown), never a guess.
import { expandModelAlias, MODEL_ALIASES } from '../agent/models.js';
import type { Usage } from '../agent/types.js';
import { LIST_PRICES } from './listPrices.js';
import type { ModelPrice, PriceTable } from './priceSchema.js';

export class PriceBook {
  readonly #prices = new Map<string, ModelPrice>();

  /** `tables` in increasing precedence; keys may be aliases or full ids. */
  constructor(tables: readonly PriceTable[] = [LIST_PRICES], aliases: Readonly<Record<string, string>> = MODEL_ALIASES) {
    for (const table of tables) {
      for (const [model, price] of Object.entries(table)) this.#prices.set(expandModelAlias(model, aliases), price);
    }
  }

  priceOf(model: string): ModelPrice | undefined {
    return this.#prices.get(expandModelAlias(model));
  }

  /** USD for one request's usage, or null when the model has no price. */
  costOf(model: string, usage: Usage): number | null {
    const price = this.priceOf(model);
    return price ? turnCost(price, usage) : null;
  }
}

/** One request: the long-prompt tier (if any) applies to all its tokens once the prompt passes the threshold. */
export function turnCost(price: ModelPrice, usage: Usage): number {
  const prompt = usage.inputTokens + usage.cacheCreationInputTokens + usage.cacheReadInputTokens;
  const rates = price.longPrompt && prompt > price.longPrompt.thresholdTokens ? price.longPrompt : price;
  const micro =
    usage.inputTokens * rates.input +
    usage.outputTokens * rates.output +
    usage.cacheCreationInputTokens * rates.cacheWrite +
    usage.cacheReadInputTokens * rates.cacheRead;
  return micro / 1_000_000;
}

/** Sums costs where unknown (null) is contagious: a total with an unpriced part is unknown. */
export function addCost(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : a + b;
}
