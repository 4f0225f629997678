// `--prices FILE`: a YAML or JSON mapping from model alias or id to its prices, checked
// with the same schema as the graph's `defaults.pricing`.
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { UserError } from '../errors.js';
import { priceTableSchema, type PriceTable } from './priceSchema.js';

export async function loadPriceFile(file: string): Promise<PriceTable> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UserError(
      `Cannot read the price file ${file}: ${(error as Error).message}`,
      'A price file is a readable YAML or JSON file.',
      'prices.unreadable',
    );
  }
  let value: unknown;
  try {
    value = parse(text);
  } catch (error) {
    throw new UserError(`The price file ${file} is not valid YAML or JSON: ${(error as Error).message}`);
  }
  const parsed = priceTableSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${file}: ${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}`);
    throw new UserError(
      `The price file has ${problems.length} problem(s):\n${problems.map((p) => `  ${p}`).join('\n')}`,
      'Each model needs input, output, cacheWrite and cacheRead in USD per million tokens, e.g. `sonnet: { input: 2, output: 10, cacheWrite: 2.5, cacheRead: 0.1 }`.',
    );
  }
  return parsed.data;
}
