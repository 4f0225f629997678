// Read: a file's lines numbered like `cat -n`, paged by offset/limit and capped in size
// so one call cannot flood the context window.
import { stat } from 'node:fs/promises';
import type { z } from 'zod';
import type { readInput } from './inputSchemas.js';
import type { ToolContext } from './context.js';
import { resolveInWorkspace } from './sandbox.js';
import { READ_DEFAULT_LINES } from './inputSchemas.js';
import { looksBinary } from './text.js';
import { readRegularFile } from './regularFile.js';
import { ToolError } from './toolError.js';

export const READ_MAX_BYTES = 256 * 1024;
/** Files are read whole to be paged by line: past this, Read refuses and points at Grep. */
export const READ_MAX_FILE_BYTES = 32 * 1024 * 1024;
const MAX_LINE_CHARS = 2000;

export async function runRead(input: z.infer<typeof readInput>, ctx: ToolContext): Promise<string> {
  const file = await resolveInWorkspace(ctx.workspace, input.file_path);
  const info = await stat(file.absolute).catch(() => undefined);
  if (!info) throw new ToolError(`File does not exist: ${file.relative}. Use Glob to find files.`);
  if (info.isDirectory()) throw new ToolError(`${file.relative || '.'} is a directory, not a file. Use Glob to list files.`);
  const buffer = await readRegularFile(ctx.workspace, file.absolute, file.relative, READ_MAX_FILE_BYTES);
  if (looksBinary(buffer)) return `${file.relative} is a binary file (${buffer.length} bytes); it cannot be shown as text.`;
  const text = buffer.toString('utf8');
  if (text === '') return `${file.relative} exists but is empty.`;

  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
  const first = input.offset ?? 1;
  if (first > lines.length) {
    throw new ToolError(`offset ${first} is past the end of ${file.relative}, which has ${lines.length} lines.`);
  }
  const wanted = input.limit ?? READ_DEFAULT_LINES;
  const out: string[] = [];
  let bytes = 0;
  let last = first - 1;
  for (let n = first; n < first + wanted && n <= lines.length; n++) {
    let line = lines[n - 1] ?? '';
    if (line.length > MAX_LINE_CHARS) line = `${line.slice(0, MAX_LINE_CHARS)}... [line truncated]`;
    const numbered = `${String(n).padStart(6)}\t${line}`;
    bytes += Buffer.byteLength(numbered) + 1;
    if (bytes > READ_MAX_BYTES && out.length > 0) break;
    out.push(numbered);
    last = n;
  }
  if (last < lines.length && (input.limit === undefined || last < first + wanted - 1)) {
    out.push(`[truncated: showed lines ${first}-${last} of ${lines.length}; read more with offset=${last + 1} (and limit)]`);
  }
  return out.join('\n');
}
