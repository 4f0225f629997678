// Text from a run (tool output, error messages, check output) can carry a credential that
// leaked into the environment of a command. Everything written to disk passes through here.
import { secretRedactor } from '../util/secrets.js';

/** A copy of `value` with every string passed through redactSecrets (the environment read once per call). */
export function redactDeep<T>(value: T, env: NodeJS.ProcessEnv = process.env): T {
  return redactDeepWith(value, secretRedactor(env));
}

/** A copy of `value` with every string passed through `redact` (a recorder's cachedSecretRedactor). */
export function redactDeepWith<T>(value: T, redact: (text: string) => string): T {
  const walk = (item: unknown): unknown => {
    if (typeof item === 'string') return redact(item);
    if (Array.isArray(item)) return item.map(walk);
    if (item && typeof item === 'object') {
      const copy: Record<string, unknown> = {};
      for (const [key, inner] of Object.entries(item)) copy[key] = walk(inner);
      return copy;
    }
    return item;
  };
  return walk(value) as T;
}
