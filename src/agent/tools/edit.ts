// Edit: exact-text replacement in one of the task's declared outputs. Requiring a unique
// match (unless replace_all) stops the model from silently editing the wrong spot.
import { writeFile } from 'node:fs/promises';
import type { z } from 'zod';
import type { editInput } from './inputSchemas.js';
import type { ToolContext } from './context.js';
import { resolveInWorkspace } from './sandbox.js';
import { countOccurrences } from './text.js';
import { readRegularFile } from './regularFile.js';
import { ToolError } from './toolError.js';

const EDIT_MAX_FILE_BYTES = 32 * 1024 * 1024;

export async function runEdit(input: z.infer<typeof editInput>, ctx: ToolContext): Promise<string> {
  const file = await resolveInWorkspace(ctx.workspace, input.file_path);
  ctx.writeScope.check(file.relative, 'Edit');
  if (input.old_string === '') throw new ToolError('old_string is empty; use Write to create or replace a whole file.');
  if (input.old_string === input.new_string) throw new ToolError('old_string and new_string are identical; nothing to change.');
  let text: string;
  try {
    text = (await readRegularFile(ctx.workspace, file.absolute, file.relative, EDIT_MAX_FILE_BYTES)).toString('utf8');
  } catch (error) {
    if (error instanceof ToolError && !/does not exist/.test(error.message)) throw error;
    throw new ToolError(`File does not exist: ${file.relative}. Use Write to create it.`);
  }
  const matches = countOccurrences(text, input.old_string);
  if (matches === 0) throw new ToolError(`old_string was not found in ${file.relative}. Read the file and copy the text exactly.`);
  if (matches > 1 && !input.replace_all) {
    throw new ToolError(`old_string occurs ${matches} times in ${file.relative}; include more surrounding text to make it unique, or set replace_all: true.`);
  }
  // split/join, not String.replace: `$&` and friends in new_string must stay literal.
  const updated = input.replace_all ? text.split(input.old_string).join(input.new_string) : text.replace(input.old_string, () => input.new_string);
  await writeFile(file.absolute, updated, 'utf8');
  return `Edited ${file.relative}: replaced ${input.replace_all ? matches : 1} occurrence(s).`;
}
