// Glob: files whose path (relative to the search directory) matches a pattern.
import { stat } from 'node:fs/promises';
import type { z } from 'zod';
import type { globInput } from './inputSchemas.js';
import { compileGlob } from '../../util/glob.js';
import type { ToolContext } from './context.js';
import { resolveInWorkspace } from './sandbox.js';
import { ToolError } from './toolError.js';
import { walkFiles } from './walk.js';

export const GLOB_MAX_RESULTS = 1000;

export async function runGlob(input: z.infer<typeof globInput>, ctx: ToolContext): Promise<string> {
  const base = await resolveInWorkspace(ctx.workspace, input.path ?? '.');
  const info = await stat(base.absolute).catch(() => undefined);
  if (!info?.isDirectory()) throw new ToolError(`${input.path} is not a directory in the workspace.`);
  const matches = compileGlob(input.pattern.replace(/^\.\//, ''));
  const found: string[] = [];
  for await (const rel of walkFiles(base.absolute, { signal: ctx.signal })) {
    if (matches(rel)) found.push(base.relative === '' ? rel : `${base.relative}/${rel}`);
  }
  found.sort();
  if (found.length === 0) return `No files match ${input.pattern}${input.path ? ` under ${base.relative || '.'}` : ''}.`;
  if (found.length <= GLOB_MAX_RESULTS) return found.join('\n');
  return [
    ...found.slice(0, GLOB_MAX_RESULTS),
    `[truncated: ${found.length} files match; showing the first ${GLOB_MAX_RESULTS}. Narrow the pattern or path.]`,
  ].join('\n');
}
