// The shape of a price table, shared by the graph's `defaults.pricing` and `--prices FILE`
// so the two can never disagree. Prices are USD per million tokens (MTok).
import { z } from 'zod';

const perMTok = z.number({ error: 'must be a number (USD per million tokens)' }).min(0, { error: 'must be 0 or more' });

const rates = {
  input: perMTok,
  output: perMTok,
  cacheWrite: perMTok,
  cacheRead: perMTok,
};

export const modelPriceSchema = z.strictObject(
  {
    ...rates,
    /** A higher tier for requests whose prompt (input + cache write + cache read) exceeds `thresholdTokens`. */
    longPrompt: z
      .strictObject({
        thresholdTokens: z.number({ error: 'must be a number' }).int({ error: 'must be a whole number' }).positive({ error: 'must be greater than 0' }),
        ...rates,
      })
      .optional(),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown key(s) ${issue.keys.join(', ')}; a price has input, output, cacheWrite, cacheRead and optionally longPrompt`
        : 'must be a mapping such as `{ input: 2, output: 10, cacheWrite: 2.5, cacheRead: 0.1 }`',
  },
);

/** Keys are model aliases (`sonnet`) or full ids (`claude-sonnet-5-5`). */
export const priceTableSchema = z.record(z.string().trim().min(1, { error: 'a model name must not be empty' }), modelPriceSchema, {
  error: 'must be a mapping from model alias or id to its prices',
});

/** USD per million tokens, by kind of token. */
export interface TokenRates {
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
}

/** One model's prices; `longPrompt` is a higher tier for prompts over `thresholdTokens`. */
export interface ModelPrice extends TokenRates {
  longPrompt?: TokenRates & { thresholdTokens: number };
}

// The schema and the interface must describe the same shape.
const _sameShape: z.ZodType<ModelPrice> = modelPriceSchema;
void _sameShape;
export type PriceTable = Record<string, ModelPrice>;
