// Keeping credentials out of everything an agent can see or a report can record: the
// environment handed to tool subprocesses, and text that ends up in transcripts, logs
// and error messages.

/** Name fragments that mark an environment variable as a credential. */
const SECRET_NAME = /KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH/i;

/** Anthropic API keys (and admin keys) have this shape; redact them even when unknown. */
const ANTHROPIC_KEY_SHAPE = /sk-ant-[A-Za-z0-9_-]+/g;

/** Values this short are too likely to occur by accident to be worth replacing. */
const MIN_SECRET_LENGTH = 6;

export const REDACTED = '[REDACTED]';

/** True for names like `GITHUB_TOKEN`, `DB_PASSWORD`, `ANTHROPIC_API_KEY`. */
export function isSecretEnvName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** Subprocesses get neither secrets nor any `ANTHROPIC_*` setting (base URL, log level...). */
function isWithheldEnvName(name: string): boolean {
  return name.startsWith('ANTHROPIC_') || isSecretEnvName(name);
}

/** A copy of `env` without any `ANTHROPIC_*` variable or anything whose name looks secret. */
export function scrubEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && !isWithheldEnvName(name)) clean[name] = value;
  }
  return clean;
}

/**
 * Replaces with `[REDACTED]` the values of secret-looking variables in `env` (default:
 * process.env) and every string shaped like an Anthropic key (`sk-ant-...`).
 */
export function redactSecrets(text: string, env: NodeJS.ProcessEnv = process.env): string {
  return secretRedactor(env)(text);
}

/**
 * redactSecrets with the secret values of `env` read once, for redacting many strings in
 * a row (a whole event or turn): reading and filtering the environment costs far more
 * than the replacement itself.
 */
export function secretRedactor(env: NodeJS.ProcessEnv = process.env): (text: string) => string {
  const values = Object.entries(env)
    .filter(([name, value]) => value !== undefined && isSecretEnvName(name) && value.length >= MIN_SECRET_LENGTH)
    .map(([, value]) => value as string)
    // Longest first, so a value containing another is replaced whole.
    .sort((a, b) => b.length - a.length);
  return (text) => {
    let result = text;
    for (const value of values) {
      if (result.includes(value)) result = result.split(value).join(REDACTED);
    }
    return result.replace(ANTHROPIC_KEY_SHAPE, REDACTED);
  };
}
