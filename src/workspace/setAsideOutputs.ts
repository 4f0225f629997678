// When a task fails, what its agent left in the workspace is neither committed nor the
// user's: it is copied out to the run's reports (so nothing is lost and it can be read)
// and the workspace is put back to HEAD for those paths, so the next run starts clean.
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { compileGlob } from '../util/glob.js';
import { listChangedPaths, type ChangedPath } from './changedPaths.js';
import { gitRaw } from './git.js';

/** Rewrites a copied file's bytes on the way out (the runner redacts secrets with it). */
export type CopyFilter = (content: Buffer) => Buffer;

export async function setAsideOutputs(dir: string, outputs: readonly string[], destinationDir: string, filter?: CopyFilter): Promise<string[]> {
  const matchers = outputs.map(compileGlob);
  const changed = (await listChangedPaths(dir)).filter((c) => matchers.some((m) => m(c.path)));
  return setAsideChanges(dir, changed, destinationDir, filter);
}

/** The same for changes already listed (say, out-of-scope files): copied out, then restored to HEAD. */
export async function setAsideChanges(dir: string, listed: readonly ChangedPath[], destinationDir: string, filter?: CopyFilter): Promise<string[]> {
  // Copy everything out first: nothing is lost whatever fails after.
  for (const change of listed) {
    const source = path.join(dir, change.path);
    if (!existsSync(source)) continue;
    const target = path.join(destinationDir, change.path);
    await mkdir(path.dirname(target), { recursive: true });
    if (filter) await writeFile(target, filter(await readFile(source)));
    else await copyFile(source, target);
  }
  // Files new to git go next, so a full disk has room again before git rewrites its index.
  const isNew = (c: ChangedPath): boolean => c.status === '??' || c.status[0] === 'A';
  for (const change of listed.filter(isNew)) await rm(path.join(dir, change.path), { force: true });
  // Unstage: a failed commit (a full disk) can leave them in the index, where
  // `checkout HEAD --` alone would not bring back a clean status.
  const staged = listed.filter((c) => c.status[0] !== ' ' && c.status[0] !== '?').map((c) => c.path);
  if (staged.length > 0) await gitRaw(dir, ['reset', '--quiet', '--', ...staged]);
  for (const change of await relisted(dir, listed)) {
    if (change.status === '??') await rm(path.join(dir, change.path), { force: true });
    else await gitRaw(dir, ['checkout', 'HEAD', '--', change.path]);
  }
  return listed.map((c) => c.path);
}

/** The same paths with their status after unstaging (an added file is untracked again). */
async function relisted(dir: string, changed: readonly ChangedPath[]): Promise<ChangedPath[]> {
  const wanted = new Set(changed.map((c) => c.path));
  const now = (await listChangedPaths(dir)).filter((c) => wanted.has(c.path));
  return now;
}
