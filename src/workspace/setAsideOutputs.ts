// When a task fails, what its agent left in the workspace is neither committed nor the
// user's: it is copied out to the run's reports (so nothing is lost and it can be read)
// and the workspace is put back to HEAD for those paths, so the next run starts clean.
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { compileGlob } from '../util/glob.js';
import { listChangedPaths } from './changedPaths.js';
import { gitRaw } from './git.js';

export async function setAsideOutputs(dir: string, outputs: readonly string[], destinationDir: string): Promise<string[]> {
  const matchers = outputs.map(compileGlob);
  const changed = (await listChangedPaths(dir)).filter((c) => matchers.some((m) => m(c.path)));
  for (const change of changed) {
    const source = path.join(dir, change.path);
    if (existsSync(source)) {
      const target = path.join(destinationDir, change.path);
      await mkdir(path.dirname(target), { recursive: true });
      await copyFile(source, target);
    }
    if (change.status === '??') {
      await rm(source, { force: true });
    } else {
      await gitRaw(dir, ['checkout', 'HEAD', '--', change.path]);
    }
  }
  return changed.map((c) => c.path);
}
