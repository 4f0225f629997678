// The six tools as the model sees them: Claude Code's names and input fields. The list
// is sent whole and in this fixed order to every agent, whatever it was granted, so the
// cached request prefix (tools, then system) is byte-identical across all sessions of a
// run; an ungranted tool is refused when called.
import type Anthropic from '@anthropic-ai/sdk';
import type { ToolName } from '../../config/types.js';

export const READ_DEFAULT_LINES = 2000;
export const BASH_DEFAULT_TIMEOUT_MS = 120_000;
export const BASH_MAX_TIMEOUT_MS = 600_000;

const definitions: Record<ToolName, Anthropic.Tool> = {
  Read: {
    name: 'Read',
    description:
      'Reads a file from the workspace. file_path is relative to the workspace root or absolute inside it. ' +
      `Returns up to ${READ_DEFAULT_LINES} lines by default, numbered like \`cat -n\` (numbers start at 1). ` +
      'For long files pass offset (the line number to start at) and limit (how many lines).',
    input_schema: {
      type: 'object',
      properties: {
        file_path: { type: 'string', description: 'The file to read' },
        offset: { type: 'number', description: 'The line number to start reading from (1-based)' },
        limit: { type: 'number', description: 'The number of lines to read' },
      },
      required: ['file_path'],
    },
  },
  Write: {
    name: 'Write',
    description:
      'Writes a file in the workspace, replacing it if it exists and creating parent directories. ' +
      "Only paths matching the task's declared outputs may be written.",
    input_schema: {
      type: 'object',
      properties: {
        file_path: { type: 'string', description: 'The file to write' },
        content: { type: 'string', description: 'The full content of the file' },
      },
      required: ['file_path', 'content'],
    },
  },
  Edit: {
    name: 'Edit',
    description:
      'Replaces exact text in a file. old_string must occur exactly once unless replace_all is true. ' +
      "Only paths matching the task's declared outputs may be edited.",
    input_schema: {
      type: 'object',
      properties: {
        file_path: { type: 'string', description: 'The file to modify' },
        old_string: { type: 'string', description: 'The text to replace' },
        new_string: { type: 'string', description: 'The text to replace it with (must differ from old_string)' },
        replace_all: { type: 'boolean', description: 'Replace every occurrence of old_string (default false)' },
      },
      required: ['file_path', 'old_string', 'new_string'],
    },
  },
  Glob: {
    name: 'Glob',
    description:
      'Finds files by glob pattern (`*`, `**`, `?`, `[...]`, `{a,b}`), relative to path (default: the workspace root). ' +
      'Returns matching paths relative to the workspace root, sorted. Skips .git and node_modules.',
    input_schema: {
      type: 'object',
      properties: {
        pattern: { type: 'string', description: 'The glob pattern to match files against' },
        path: { type: 'string', description: 'The directory to search in (default: the workspace root)' },
      },
      required: ['pattern'],
    },
  },
  Grep: {
    name: 'Grep',
    description:
      'Searches file contents with a JavaScript regular expression. Prints matching lines as `path:line:text`. ' +
      'path may be a file or a directory (default: the workspace root); glob filters the files searched (e.g. "*.py").',
    input_schema: {
      type: 'object',
      properties: {
        pattern: { type: 'string', description: 'The regular expression to search for' },
        path: { type: 'string', description: 'File or directory to search in (default: the workspace root)' },
        glob: { type: 'string', description: 'Glob to filter files, e.g. "*.py" or "triton_models/**/*.pbtxt"' },
      },
      required: ['pattern'],
    },
  },
  Bash: {
    name: 'Bash',
    description:
      'Runs a command with bash in the workspace root. Output (stdout and stderr) is truncated when long. ' +
      `timeout is in milliseconds (default ${BASH_DEFAULT_TIMEOUT_MS}, max ${BASH_MAX_TIMEOUT_MS}); ` +
      'the environment holds no API keys or other secrets.',
    input_schema: {
      type: 'object',
      properties: {
        command: { type: 'string', description: 'The command to execute' },
        timeout: { type: 'number', description: `Optional timeout in milliseconds (max ${BASH_MAX_TIMEOUT_MS})` },
      },
      required: ['command'],
    },
  },
};

/** All six tool definitions, always in this order (see the file comment). */
export const TOOL_DEFINITIONS: readonly Anthropic.Tool[] = Object.freeze(
  (['Read', 'Write', 'Edit', 'Glob', 'Grep', 'Bash'] as const).map((name) => definitions[name]),
);

/** One line per tool, describing the expected input: used in schema-error messages. */
export function describeToolInput(name: ToolName): string {
  const schema = definitions[name].input_schema as { properties: Record<string, { type: string }>; required: string[] };
  const fields = Object.entries(schema.properties).map(
    ([field, spec]) => `${field}${schema.required.includes(field) ? '' : '?'}: ${spec.type}`,
  );
  return `${name} {${fields.join(', ')}}`;
}
