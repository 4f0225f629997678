// Text from a run (tool output, error messages, check output) can carry a credential that
// leaked into the environment of a command. Everything written to disk passes through here.
import { redactSecrets } from '../util/secrets.js';

/** A copy of `value` with every string passed through redactSecrets. */
export function redactDeep<T>(value: T, env: NodeJS.ProcessEnv = process.env): T {
  if (typeof value === 'string') return redactSecrets(value, env) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => redactDeep(item, env)) as T;
  if (value && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) copy[key] = redactDeep(item, env);
    return copy as T;
  }
  return value;
}
