// Keeping credentials out of everything an agent can see or a report can record: the
// environment handed to tool subprocesses, and text that ends up in transcripts, logs
// and error messages.

/** Name fragments that mark an environment variable as a credential. */
const SECRET_NAME = /KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH|PAT\b|_PAT_|PRIVATE|SESSION|COOKIE/i;

/**
 * Credentials recognisable by their shape alone, wherever they come from: Anthropic keys,
 * GitHub tokens, Slack tokens, AWS access key ids, and the password in a URL
 * (`postgres://user:password@host`), of which only the password is replaced.
 */
const TOKEN_SHAPES: readonly RegExp[] = [
  /sk-ant-[A-Za-z0-9_-]+/g,
  /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/g,
  /\bxox[abposr]-[A-Za-z0-9-]{8,}/g,
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g,
];
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@'"]+:)([^\s@/'"]+)(@)/gi;

/**
 * `NAME=value` (an environment dump) and `"NAME": "value"` for a secret-looking upper-case
 * NAME: the value goes, whatever its length. Upper case and no spaces only, so code such as
 * `token = tokenizer(text)` or prose ("No ANTHROPIC_API_KEY: using…") is left alone.
 */
const SECRET_ASSIGNMENT = /\b([A-Z][A-Z0-9_]*)(=|": ?")([^\s"',;&|]+)/g;

/** Values at least this long are replaced wherever they occur; shorter ones only as whole words. */
const MIN_ANYWHERE_LENGTH = 6;
/** Shorter values (`1`, `on`) are flags, not secrets: replacing them everywhere would garble every text. */
const MIN_WORD_LENGTH = 3;

export const REDACTED = '[REDACTED]';

/** Secret values seen in the run's environment before they were withheld from this process. */
const remembered = new Set<string>();
/** Bumped whenever `remembered` or process.env changes here, so cached redactors know to re-read. */
let secretsGeneration = 0;

/** True for names like `GITHUB_TOKEN`, `DB_PASSWORD`, `ANTHROPIC_API_KEY`, `GH_PAT`. */
export function isSecretEnvName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** A secret by its name (`GH_PAT`) or by its value (`DATABASE_URL=postgres://u:pw@host`). */
export function isSecretEnvVar(name: string, value: string): boolean {
  URL_PASSWORD.lastIndex = 0;
  return isSecretEnvName(name) || URL_PASSWORD.test(value);
}

/** Subprocesses get neither secrets nor any `ANTHROPIC_*` setting (base URL, log level...). */
function isWithheldEnvVar(name: string, value: string): boolean {
  return name.startsWith('ANTHROPIC_') || isSecretEnvVar(name, value);
}

/** A copy of `env` without any `ANTHROPIC_*` variable or anything whose name looks secret. */
export function scrubEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && !isWithheldEnvVar(name, value)) clean[name] = value;
  }
  return clean;
}

/**
 * Remembers the secret values of `env` for redaction, then deletes every secret-looking
 * variable from this process's own environment, so nothing it starts later (git, python,
 * a tool) can inherit them. Callers keep `env`, their copy, for the API client.
 */
export function withholdSecretsFromProcess(env: NodeJS.ProcessEnv): void {
  for (const [name, value] of Object.entries(env)) {
    if (value && value.length >= MIN_WORD_LENGTH && isSecretEnvVar(name, value)) remembered.add(value);
  }
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && isSecretEnvVar(name, value)) delete process.env[name];
  }
  secretsGeneration += 1;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Replaces with `[REDACTED]`: the values of secret-looking variables in `env` (default:
 * process.env) and of those withheld earlier (those under 6 characters as whole words only,
 * so `abc` does not eat `abcdef`; under 3, only after their name); the value of any `SECRET_NAME=value`; and
 * strings shaped like well-known tokens.
 */
export function redactSecrets(text: string, env: NodeJS.ProcessEnv = process.env): string {
  return secretRedactor(env)(text);
}

/** The secret values to redact: those withheld earlier plus the secret variables of `env`, 3 characters or more. */
function secretValues(env: NodeJS.ProcessEnv): string[] {
  const values = new Set(remembered);
  for (const [name, value] of Object.entries(env)) {
    if (value && isSecretEnvVar(name, value)) values.add(value);
  }
  // Longest first, so a value containing another is replaced whole.
  return [...values].filter((value) => value.length >= MIN_WORD_LENGTH).sort((a, b) => b.length - a.length);
}

/**
 * redactSecrets with the secret values of `env` read once, for redacting many strings in
 * a row (a whole event or turn): reading and filtering the environment costs far more
 * than the replacement itself.
 */
export function secretRedactor(env: NodeJS.ProcessEnv = process.env): (text: string) => string {
  const values = secretValues(env).map((value) => ({
    value,
    wholeWord: value.length >= MIN_ANYWHERE_LENGTH ? undefined : new RegExp(`(?<![A-Za-z0-9_])${escapeRegExp(value)}(?![A-Za-z0-9_])`, 'g'),
  }));
  return (text) => {
    let result = text;
    for (const { value, wholeWord } of values) {
      if (!result.includes(value)) continue;
      result = wholeWord === undefined ? result.split(value).join(REDACTED) : result.replace(wholeWord, REDACTED);
    }
    result = result.replace(SECRET_ASSIGNMENT, (whole, name: string, separator: string, value: string) =>
      isSecretEnvName(name) && value !== REDACTED ? `${name}${separator}${REDACTED}` : whole,
    );
    for (const shape of TOKEN_SHAPES) result = result.replace(shape, REDACTED);
    return result.replace(URL_PASSWORD, `$1${REDACTED}$3`);
  };
}

/**
 * secretRedactor for one run's recorders, which redact every event: the secret values of
 * `env` are read on first use and again only after withholdSecretsFromProcess has run,
 * not once per call (reading process.env costs about 1.4 ms per event). A run's
 * environment does not change after start-up except through withholdSecretsFromProcess;
 * anything set in `env` later is not seen, so create one per run, not per process.
 */
export function cachedSecretRedactor(env: NodeJS.ProcessEnv = process.env): (text: string) => string {
  let generation = -1;
  let redact: (text: string) => string = (text) => text;
  return (text) => {
    if (generation !== secretsGeneration) {
      redact = secretRedactor(env);
      generation = secretsGeneration;
    }
    return redact(text);
  };
}

/**
 * Whether `text` holds the value of a secret variable (of `env` or withheld earlier): those
 * of 6 characters or more anywhere, shorter ones (3 to 5) as whole words.
 */
export function containsSecretValue(text: string, env: NodeJS.ProcessEnv = process.env): boolean {
  for (const value of secretValues(env)) {
    if (!text.includes(value)) continue;
    if (value.length >= MIN_ANYWHERE_LENGTH) return true;
    if (new RegExp(`(?<![A-Za-z0-9_])${escapeRegExp(value)}(?![A-Za-z0-9_])`).test(text)) return true;
  }
  return false;
}
