// Grep: a JavaScript RegExp over the lines of text files, printed as `path:line:text`.
import { stat } from 'node:fs/promises';
import { readRegularFile } from './regularFile.js';
import path from 'node:path';
import type { z } from 'zod';
import type { grepInput } from './inputSchemas.js';
import { compileGlob } from '../../util/glob.js';
import type { ToolContext } from './context.js';
import { resolveInWorkspace } from './sandbox.js';
import { looksBinary } from './text.js';
import { ToolError } from './toolError.js';
import { walkFiles } from './walk.js';

export const GREP_MAX_MATCHES = 500;
const GREP_MAX_FILE_BYTES = 4 * 1024 * 1024;
const GREP_MAX_LINE_CHARS = 500;

export async function runGrep(input: z.infer<typeof grepInput>, ctx: ToolContext): Promise<string> {
  let regex: RegExp;
  try {
    regex = new RegExp(input.pattern);
  } catch (error) {
    throw new ToolError(`Invalid regular expression ${JSON.stringify(input.pattern)}: ${(error as Error).message}`);
  }
  const base = await resolveInWorkspace(ctx.workspace, input.path ?? '.');
  const info = await stat(base.absolute).catch(() => undefined);
  if (!info) throw new ToolError(`${input.path} does not exist in the workspace.`);

  // A glob without `/` filters on the file name (like rg --glob "*.py"); with `/`, on the path.
  const filter = input.glob ? compileGlob(input.glob.replace(/^\.\//, '')) : undefined;
  const onName = input.glob !== undefined && !input.glob.includes('/');
  const files: { rel: string; absolute: string }[] = [];
  if (info.isDirectory()) {
    for await (const rel of walkFiles(base.absolute, { signal: ctx.signal, symlinks: false })) {
      if (filter && !filter(onName ? path.posix.basename(rel) : rel)) continue;
      files.push({ rel: base.relative === '' ? rel : `${base.relative}/${rel}`, absolute: path.join(base.absolute, rel) });
    }
  } else {
    files.push({ rel: base.relative, absolute: base.absolute });
  }

  const out: string[] = [];
  let total = 0;
  for (const file of files) {
    // FIFOs, devices and files too big to search are skipped, never opened in a blocking way.
    const buffer = await readRegularFile(ctx.workspace, file.absolute, file.rel, GREP_MAX_FILE_BYTES).catch(() => undefined);
    if (!buffer || buffer.length > GREP_MAX_FILE_BYTES || looksBinary(buffer)) continue;
    const lines = buffer.toString('utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] ?? '';
      if (!regex.test(line)) continue;
      total++;
      if (out.length < GREP_MAX_MATCHES) {
        const shown = line.length > GREP_MAX_LINE_CHARS ? `${line.slice(0, GREP_MAX_LINE_CHARS)}...` : line;
        out.push(`${file.rel}:${i + 1}:${shown}`);
      }
    }
  }
  if (total === 0) return `No matches for ${JSON.stringify(input.pattern)}.`;
  if (total > out.length) out.push(`[truncated: ${total} matching lines; showing the first ${out.length}. Narrow the pattern, path or glob.]`);
  return out.join('\n');
}
