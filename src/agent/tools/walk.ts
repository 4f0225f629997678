// Lists the files under a directory for Glob and Grep. Symlinked directories are not
// entered (they could lead outside the workspace or loop); .git and node_modules are skipped.
import { readdir } from 'node:fs/promises';
import path from 'node:path';

const SKIPPED_DIRECTORIES = new Set(['.git', 'node_modules']);

export interface WalkOptions {
  signal?: AbortSignal | undefined;
  /** Also yield symbolic links to files (Glob lists them; Grep must not read through them). */
  symlinks?: boolean;
}

/** Yields paths relative to `base` (with `/`), in sorted order. */
export async function* walkFiles(base: string, options: WalkOptions = {}): AsyncGenerator<string> {
  const { signal, symlinks = true } = options;
  const pending: string[] = [''];
  while (pending.length > 0) {
    if (signal?.aborted) return;
    const dir = pending.shift() as string;
    const entries = await readdir(path.join(base, dir), { withFileTypes: true }).catch(() => []);
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subdirs: string[] = [];
    for (const entry of entries) {
      const rel = dir === '' ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name)) subdirs.push(rel);
      } else if (entry.isFile() || (symlinks && entry.isSymbolicLink())) {
        yield rel;
      }
    }
    pending.unshift(...subdirs);
  }
}
