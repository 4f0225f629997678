// A hash of what a task's outputs currently hold, to tell whether someone changed them
// since the task ran. It covers tracked files (missing ones included, so a deletion
// changes the hash) and untracked, non-ignored files matching the globs.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { compileGlob } from '../util/glob.js';
import { gitRaw } from './git.js';
import { outputDirectories } from './outputDirectories.js';

export async function outputsFingerprint(dir: string, globs: string[]): Promise<string> {
  const matchers = globs.map((glob) => compileGlob(glob));
  // Only under the globs' literal directories: listing the whole workspace after every
  // turn costs more the more tasks have written. `:(literal)` so a name means itself.
  const under = outputDirectories(globs);
  const pathspec = under ? ['--', ...under.map((d) => `:(literal)${d}`)] : [];
  const listed = await gitRaw(dir, ['ls-files', '-z', '--cached', '--others', '--exclude-standard', ...pathspec]);
  const files = [...new Set(listed.split('\0').filter(Boolean))].filter((file) => matchers.some((m) => m(file))).sort();
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(file).update('\0');
    try {
      const content = await readFile(path.join(dir, file));
      hash.update(createHash('sha256').update(content).digest('hex'));
    } catch {
      hash.update('<missing>');
    }
    hash.update('\n');
  }
  return hash.digest('hex');
}
