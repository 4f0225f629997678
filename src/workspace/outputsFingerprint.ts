// A hash of what a task's outputs currently hold, to tell whether someone changed them
// since the task ran (taken after every turn, compared on --resume). Globs with wildcards
// cover tracked files (missing ones included, so a deletion changes the hash) and
// untracked, non-ignored files they match, as git lists them. A plain path (the usual
// output) is read directly, without a git process per turn: it counts while something is
// there, so writing, editing and deleting it each change the hash.
import { createHash } from 'node:crypto';
import { lstat, readFile } from 'node:fs/promises';
import path from 'node:path';
import { compileGlob } from '../util/glob.js';
import { gitRaw } from './git.js';
import { outputDirectories } from './outputDirectories.js';

export async function outputsFingerprint(dir: string, globs: readonly string[]): Promise<string> {
  const files = new Set<string>();
  const wildcards: string[] = [];
  for (const glob of globs) {
    const plain = plainOutputPath(glob);
    if (plain === undefined) wildcards.push(glob);
    else if (await holdsFile(path.join(dir, plain))) files.add(plain);
  }
  if (wildcards.length > 0) for (const file of await listMatching(dir, wildcards)) files.add(file);
  const hash = createHash('sha256');
  for (const file of [...files].sort()) {
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

/**
 * The workspace-relative path a glob without wildcards or escapes names (`./out/a.py` →
 * `out/a.py`), when its own matcher accepts exactly that; undefined otherwise (git lists).
 */
function plainOutputPath(glob: string): string | undefined {
  if (/[*?[{\\]/.test(glob)) return undefined;
  const segments = glob.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.length === 0 || segments.includes('..')) return undefined;
  const plain = segments.join('/');
  return compileGlob(glob)(plain) ? plain : undefined;
}

/** A file or a link stands at `file` (a directory is not an output file: its glob names the path, not what is inside). */
async function holdsFile(file: string): Promise<boolean> {
  try {
    const info = await lstat(file);
    return info.isFile() || info.isSymbolicLink();
  } catch {
    return false;
  }
}

/** Tracked and untracked, non-ignored files the globs match. */
async function listMatching(dir: string, globs: readonly string[]): Promise<string[]> {
  const matchers = globs.map((glob) => compileGlob(glob));
  // Only under the globs' literal directories: listing the whole workspace after every
  // turn costs more the more tasks have written. `:(literal)` so a name means itself.
  const under = outputDirectories(globs);
  const pathspec = under ? ['--', ...under.map((d) => `:(literal)${d}`)] : [];
  const listed = await gitRaw(dir, ['ls-files', '-z', '--cached', '--others', '--exclude-standard', ...pathspec]);
  return listed.split('\0').filter((file) => file && matchers.some((matches) => matches(file)));
}
