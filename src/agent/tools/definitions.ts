// The six tools as the model sees them: Claude Code's names and input fields. The list
// is sent whole and in this fixed order to every agent, whatever it was granted, so the
// cached request prefix (tools, then system) is byte-identical across all sessions of a
// run; an ungranted tool is refused when called.
import type Anthropic from '@anthropic-ai/sdk';
import { z } from 'zod';
import type { ToolName } from '../../config/types.js';
import { BASH_DEFAULT_TIMEOUT_MS, BASH_MAX_TIMEOUT_MS, READ_DEFAULT_LINES, TOOL_INPUTS } from './inputSchemas.js';

export { BASH_DEFAULT_TIMEOUT_MS, BASH_MAX_TIMEOUT_MS, READ_DEFAULT_LINES } from './inputSchemas.js';

/** The API's JSON Schema for a tool's input, generated from its zod schema (the one source). */
export function inputJsonSchema(name: ToolName): Anthropic.Tool.InputSchema {
  // `$schema` names the draft only; the API does not need it in every request.
  const { $schema: _draft, ...schema } = z.toJSONSchema(TOOL_INPUTS[name], { io: 'input' });
  return schema as Anthropic.Tool.InputSchema;
}

/** Name and description per tool; the input schema is added from TOOL_INPUTS below. */
const descriptions: Record<ToolName, Omit<Anthropic.Tool, 'input_schema'>> = {
  Read: {
    name: 'Read',
    description:
      'Reads a file from the workspace. file_path is relative to the workspace root or absolute inside it. ' +
      `Returns up to ${READ_DEFAULT_LINES} lines by default, numbered like \`cat -n\` (numbers start at 1). ` +
      'For long files pass offset (the line number to start at) and limit (how many lines).',
  },
  Write: {
    name: 'Write',
    description:
      'Writes a file in the workspace, replacing it if it exists and creating parent directories. ' +
      "Only paths matching the task's declared outputs may be written.",
  },
  Edit: {
    name: 'Edit',
    description:
      'Replaces exact text in a file. old_string must occur exactly once unless replace_all is true. ' +
      "Only paths matching the task's declared outputs may be edited.",
  },
  Glob: {
    name: 'Glob',
    description:
      'Finds files by glob pattern (`*`, `**`, `?`, `[...]`, `{a,b}`), relative to path (default: the workspace root). ' +
      'Returns matching paths relative to the workspace root, sorted. Skips .git and node_modules.',
  },
  Grep: {
    name: 'Grep',
    description:
      'Searches file contents with a JavaScript regular expression. Prints matching lines as `path:line:text`. ' +
      'path may be a file or a directory (default: the workspace root); glob filters the files searched (e.g. "*.py").',
  },
  Bash: {
    name: 'Bash',
    description:
      'Runs a command with bash in the workspace root. Output (stdout and stderr) is truncated when long. ' +
      `timeout is in milliseconds (default ${BASH_DEFAULT_TIMEOUT_MS}, max ${BASH_MAX_TIMEOUT_MS}); ` +
      'the environment holds no API keys or other secrets.',
  },
};

/** All six tool definitions, always in this order (see the file comment). */
export const TOOL_DEFINITIONS: readonly Anthropic.Tool[] = Object.freeze(
  (['Read', 'Write', 'Edit', 'Glob', 'Grep', 'Bash'] as const).map((name) => ({ ...descriptions[name], input_schema: inputJsonSchema(name) })),
);

/** One line per tool, describing the expected input: used in schema-error messages. */
export function describeToolInput(name: ToolName): string {
  const schema = inputJsonSchema(name) as { properties: Record<string, { type: string }>; required?: string[] };
  const fields = Object.entries(schema.properties).map(([field, spec]) => `${field}${schema.required?.includes(field) ? '' : '?'}: ${spec.type}`);
  return `${name} {${fields.join(', ')}}`;
}
