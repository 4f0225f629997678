import { afterEach, describe, expect, it } from 'vitest';
import { cachedSecretRedactor, REDACTED, withholdSecretsFromProcess } from '../../src/util/secrets.js';

describe('cachedSecretRedactor', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  });

  it('reads the secret values once, as redactSecrets would on its first call', () => {
    const env: NodeJS.ProcessEnv = { DEPLOY_TOKEN: 'first-value-123', PATH: '/usr/bin' };
    const redact = cachedSecretRedactor(env);
    expect(redact('a first-value-123 b /usr/bin')).toBe(`a ${REDACTED} b /usr/bin`);
    // A run's environment is fixed after start-up: a later change is not read per call.
    env.DEPLOY_TOKEN = 'second-value-456';
    expect(redact('first-value-123 second-value-456')).toBe(`${REDACTED} second-value-456`);
    // A new redactor (the next run) sees the new value.
    expect(cachedSecretRedactor(env)('second-value-456')).toBe(REDACTED);
  });

  it('re-reads after withholdSecretsFromProcess, keeping the withheld values redacted', () => {
    process.env.CACHE_TEST_SECRET = 'withheld-value-789';
    const redact = cachedSecretRedactor(process.env);
    expect(redact('x withheld-value-789')).toBe(`x ${REDACTED}`);
    const runEnv = { ...process.env, LATE_API_KEY: 'late-value-000' };
    withholdSecretsFromProcess(runEnv);
    expect(process.env.CACHE_TEST_SECRET).toBeUndefined();
    // Gone from process.env, still redacted (remembered); the run's copy's new value too.
    expect(redact('withheld-value-789 late-value-000')).toBe(`${REDACTED} ${REDACTED}`);
  });
});
