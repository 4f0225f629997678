// The six tools' inputs, written once as zod schemas with Claude Code's field names and
// meanings. The registry validates calls with them; definitions.ts turns them into the
// JSON Schema sent to the API (z.toJSONSchema), so the two can never drift apart.
import { z } from 'zod';

export const READ_DEFAULT_LINES = 2000;
export const BASH_DEFAULT_TIMEOUT_MS = 120_000;
export const BASH_MAX_TIMEOUT_MS = 600_000;

export const readInput = z.object({
  file_path: z.string().describe('The file to read'),
  // Claude Code's meaning: the line number to start at, counting from 1 (as the numbers Read prints).
  offset: z.number().int().min(1).optional().describe('The line number to start reading from (1-based)'),
  limit: z.number().int().positive().optional().describe('The number of lines to read'),
});

export const writeInput = z.object({
  file_path: z.string().describe('The file to write'),
  content: z.string().describe('The full content of the file'),
});

export const editInput = z.object({
  file_path: z.string().describe('The file to modify'),
  old_string: z.string().describe('The text to replace'),
  new_string: z.string().describe('The text to replace it with (must differ from old_string)'),
  replace_all: z.boolean().optional().describe('Replace every occurrence of old_string (default false)'),
});

export const globInput = z.object({
  pattern: z.string().min(1).describe('The glob pattern to match files against'),
  path: z.string().optional().describe('The directory to search in (default: the workspace root)'),
});

export const grepInput = z.object({
  pattern: z.string().min(1).describe('The regular expression to search for'),
  path: z.string().optional().describe('File or directory to search in (default: the workspace root)'),
  glob: z.string().optional().describe('Glob to filter files, e.g. "*.py" or "triton_models/**/*.pbtxt"'),
});

export const bashInput = z.object({
  command: z.string().min(1).describe('The command to execute'),
  // Longer requests are clamped to the maximum, not refused (see bash.ts).
  timeout: z.number().positive().optional().describe(`Optional timeout in milliseconds (max ${BASH_MAX_TIMEOUT_MS})`),
});

export const TOOL_INPUTS = {
  Read: readInput,
  Write: writeInput,
  Edit: editInput,
  Glob: globInput,
  Grep: grepInput,
  Bash: bashInput,
} as const;
