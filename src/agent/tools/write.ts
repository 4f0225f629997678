// Write: replaces or creates one of the task's declared outputs.
import { constants } from 'node:fs';
import { type FileHandle, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import type { writeInput } from './inputSchemas.js';
import type { ToolContext } from './context.js';
import { resolveInWorkspace } from './sandbox.js';
import { openRegularFile } from './regularFile.js';
import { ToolError } from './toolError.js';

export async function runWrite(input: z.infer<typeof writeInput>, ctx: ToolContext): Promise<string> {
  const file = await resolveInWorkspace(ctx.workspace, input.file_path);
  ctx.writeScope.check(file.relative, 'Write');
  // What the sandbox check just saw spares three of eleven file-system calls (a stat, a
  // mkdir, a truncate) in the usual case, a new file in an existing directory: each is a
  // thread-pool round trip on the path between two model turns (docs/benchmarks.md 3.7).
  const seen = file.deepestExisting;
  const isNew = seen !== undefined && seen.path !== file.absolute;
  const existing = isNew ? undefined : seen && !seen.stats.isSymbolicLink() ? seen.stats : await stat(file.absolute).catch(() => undefined);
  if (existing?.isDirectory()) throw new ToolError(`${file.relative} is a directory; give a file path.`);
  const parentExists = seen !== undefined && seen.path === path.dirname(file.absolute) && seen.stats.isDirectory();
  if (!parentExists) await mkdir(path.dirname(file.absolute), { recursive: true });
  // Not truncated on open: the descriptor is checked (regular file, inside) first. A file
  // that was not there is created exclusively, so it is empty and needs no truncate; if it
  // appeared meanwhile, it is opened and truncated the usual way.
  let handle: FileHandle | undefined;
  if (!existing) {
    handle = await openRegularFile(ctx.workspace, file.absolute, file.relative, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL).catch(
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'EEXIST') return undefined;
        throw error;
      },
    );
  }
  const created = handle !== undefined;
  handle ??= await openRegularFile(ctx.workspace, file.absolute, file.relative, constants.O_WRONLY | constants.O_CREAT);
  try {
    if (!created) await handle.truncate(0);
    await handle.writeFile(input.content, 'utf8');
  } finally {
    await handle.close();
  }
  const lines = input.content === '' ? 0 : input.content.split('\n').length - (input.content.endsWith('\n') ? 1 : 0);
  return `${existing ? 'Replaced' : 'Created'} ${file.relative} (${Buffer.byteLength(input.content)} bytes, ${lines} lines).`;
}
