// Opening a file a tool was pointed at, safely against what an agent's own Bash can set up:
// a FIFO (a blocking open or read would hang the run), a device or socket, a huge file,
// and a symlink swapped in after the sandbox check (the opened descriptor is checked, not
// the path). Opens never block (O_NONBLOCK) and anything but a regular file is refused.
import { constants, type Stats } from 'node:fs';
import { open, readlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Workspace } from './sandbox.js';
import { ToolError } from './toolError.js';

function kindOf(info: Stats): string {
  if (info.isFIFO()) return 'FIFO (named pipe)';
  if (info.isSocket()) return 'socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'device';
  if (info.isDirectory()) return 'directory';
  return 'special file';
}

/**
 * Opens `absolute` (already checked by resolveInWorkspace) with `flags` plus O_NONBLOCK,
 * and returns the handle only if it is a regular file inside the workspace.
 */
export async function openRegularFile(workspace: Workspace, absolute: string, relative: string, flags: number): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(absolute, flags | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ToolError(`File does not exist: ${relative}. Use Glob to find files.`);
    if (code === 'ENXIO') throw new ToolError(`${relative} is a FIFO or socket, not a regular file; tools only read and write regular files.`);
    if (code === 'EISDIR') throw new ToolError(`${relative} is a directory, not a file. Use Glob to list files.`);
    throw error;
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      throw new ToolError(
        `${relative} is a ${kindOf(info)}, not a regular file; tools only read and write regular files (a ${kindOf(info)} could block the run).`,
      );
    }
    await refuseIfOpenedOutside(workspace, handle, relative);
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** Where the kernel says the descriptor points (Linux /proc); elsewhere the path check stands alone. */
async function refuseIfOpenedOutside(workspace: Workspace, handle: FileHandle, relative: string): Promise<void> {
  const target = await readlink(`/proc/self/fd/${handle.fd}`).catch(() => undefined);
  if (target === undefined) return;
  const rel = path.relative(workspace.realRoot, target);
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new ToolError(`Refused: ${relative} led outside the workspace when opened (a symlink changed after it was checked).`);
  }
}

/** The bytes of a regular file of at most `maxBytes`; a larger one is refused with a hint. */
export async function readRegularFile(workspace: Workspace, absolute: string, relative: string, maxBytes: number): Promise<Buffer> {
  const handle = await openRegularFile(workspace, absolute, relative, constants.O_RDONLY);
  try {
    const { size } = await handle.stat();
    if (size > maxBytes) {
      throw new ToolError(
        `${relative} is ${size} bytes, more than the ${maxBytes} this tool reads at once; look at parts of it with Grep, or with Bash (head, sed -n).`,
      );
    }
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}
