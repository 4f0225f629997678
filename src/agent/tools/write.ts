// Write: replaces or creates one of the task's declared outputs.
import { constants } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
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
  const existing = await stat(file.absolute).catch(() => undefined);
  if (existing?.isDirectory()) throw new ToolError(`${file.relative} is a directory; give a file path.`);
  await mkdir(path.dirname(file.absolute), { recursive: true });
  // Not truncated on open: the descriptor is checked (regular file, inside) first.
  const handle = await openRegularFile(ctx.workspace, file.absolute, file.relative, constants.O_WRONLY | constants.O_CREAT);
  try {
    await handle.truncate(0);
    await handle.writeFile(input.content, 'utf8');
  } finally {
    await handle.close();
  }
  const lines = input.content === '' ? 0 : input.content.split('\n').length - (input.content.endsWith('\n') ? 1 : 0);
  return `${existing ? 'Replaced' : 'Created'} ${file.relative} (${Buffer.byteLength(input.content)} bytes, ${lines} lines).`;
}
