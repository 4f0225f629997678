// Is a task's last commit still what its outputs hold? Used by the input-hash cache: a
// matching key is not enough if someone has since committed a change to an output.
import { gitRaw } from '../workspace/index.js';
import { compileGlob } from '../util/glob.js';

export async function outputsChangedSince(workspaceDir: string, sha: string, outputs: readonly string[]): Promise<boolean> {
  let changed: string[];
  try {
    changed = (await gitRaw(workspaceDir, ['diff', '--name-only', sha, 'HEAD'])).split('\n').filter(Boolean);
  } catch {
    return true; // the commit is gone (history rewritten): do not trust the cache
  }
  const matchers = outputs.map(compileGlob);
  return changed.some((file) => matchers.some((m) => m(file)));
}
