// The last gate before a commit: an agent that found a key (its runner's environment is
// readable to processes of the same user) must not get it into the repository's history.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { compileGlob } from '../util/glob.js';
import { containsSecretValue, redactSecrets } from '../util/secrets.js';
import type { ChangedPath } from '../workspace/index.js';

/** Files past this are not scanned (a model's weights are no place for a key, and too big to read). */
const MAX_SCANNED_BYTES = 32 * 1024 * 1024;

/**
 * The task's changed outputs that hold the value of a secret variable. `changes`: the
 * workspace's changed paths as the task's scope check listed them just before (the task's
 * session is over, so its outputs stay as they were then), which spares a `status`.
 */
export async function outputsHoldingSecrets(
  workspaceDir: string,
  outputs: readonly string[],
  changes: readonly ChangedPath[],
  env: NodeJS.ProcessEnv,
): Promise<string[]> {
  const matchers = outputs.map(compileGlob);
  const found: string[] = [];
  for (const change of changes) {
    if (!matchers.some((matches) => matches(change.path))) continue;
    const file = path.join(workspaceDir, change.path);
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile() || info.size > MAX_SCANNED_BYTES) continue;
    if (containsSecretValue((await readFile(file)).toString('utf8'), env)) found.push(change.path);
  }
  return found;
}

/** For copies into the reports: text has secrets replaced; binary files (a NUL byte) are kept as they are. */
export function redactedCopy(env: NodeJS.ProcessEnv): (content: Buffer) => Buffer {
  return (content) => (content.includes(0) ? content : Buffer.from(redactSecrets(content.toString('utf8'), env)));
}
