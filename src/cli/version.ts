// The version printed by `--version`, read from package.json so it cannot drift. The
// relative path holds for both src/cli (tests) and dist/cli (the built CLI).

import { readFileSync } from 'node:fs';

export function readVersion(): string {
  const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return typeof packageJson.version === 'string' ? packageJson.version : 'unknown';
}
