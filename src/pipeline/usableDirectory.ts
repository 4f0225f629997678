// The workspace and reports folders are the user's to name; a name that cannot work (a
// file, a folder under a file, a read-only place) is their mistake to fix, so it gets a
// message that says which and where, before anything is created or locked.
import { constants, statSync, accessSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';

/**
 * Throws a UserError unless `dir` is a writable directory or can be created as one.
 * `role` names it in the message ("the workspace"); `code` lets the CLI name its flag.
 */
export function assertUsableDirectory(dir: string, role: string, code: string): void {
  const hint = `Use a folder that exists or can be created, and that you can write to.`;
  // The path itself, then each ancestor up to the first that exists.
  for (let current = dir; ; current = path.dirname(current)) {
    const info = statIfAny(current);
    if (info) {
      if (!info.isDirectory()) {
        throw new UserError(
          current === dir ? `${role} ${dir} is a file, not a directory` : `${role} ${dir} cannot be created: ${current} is a file, not a directory`,
          hint,
          code,
        );
      }
      try {
        accessSync(current, constants.W_OK);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new UserError(
          `${role} ${dir} is not writable: ${current} ${code === 'EROFS' ? 'is on a read-only filesystem' : 'does not allow writing'} (${code})`,
          hint,
          code,
        );
      }
      return;
    }
    if (path.dirname(current) === current) return;
  }
}

/** The entry's stat, or undefined when nothing is there (also when a parent is a file). */
function statIfAny(file: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}
