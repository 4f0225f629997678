// How a path is shown to the user: relative to the current directory when it lies inside
// it (short and clickable), absolute otherwise: `../../elsewhere/x` says less than `/elsewhere/x`.
import { isAbsolute, relative, resolve } from 'node:path';

export function displayPath(path: string, cwd: string): string {
  const absolute = resolve(cwd, path);
  const rel = relative(cwd, absolute);
  if (rel === '') return '.';
  return rel.startsWith('..') || isAbsolute(rel) ? absolute : rel;
}
