// Converting option strings to numbers with usage errors that name the flag.

import { UserError } from '../errors.js';

/** `--concurrency 4` → 4; anything but an integer in range is a usage error. */
export function parseIntegerOption(value: string, flag: string, range: { min?: number; max?: number } = {}, command?: string): number {
  const number = /^-?\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  const { min = -Infinity, max = Infinity } = range;
  if (!Number.isSafeInteger(number) || number < min || number > max) {
    const bounds = Number.isFinite(min) && Number.isFinite(max) ? ` from ${min} to ${max}` : Number.isFinite(min) ? ` of at least ${min}` : '';
    throw new UserError(`--${flag} must be a whole number${bounds}, not '${value}'`, usageHint(command));
  }
  return number;
}

export function usageHint(command?: string): string {
  return command === undefined ? "Run 'flux-triton --help' for usage." : `Run 'flux-triton ${command} --help' for usage.`;
}

/** `--max-cost 2.50` → 2.5; a positive decimal amount (a leading `$` is allowed). */
export function parseAmountOption(value: string, flag: string, command?: string): number {
  const text = value.trim().replace(/^\$/, '');
  const number = /^\d+(\.\d+)?$|^\.\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(number) || number <= 0) {
    throw new UserError(`--${flag} must be an amount in USD greater than 0, such as 5 or 0.50, not '${value}'`, usageHint(command));
  }
  return number;
}
