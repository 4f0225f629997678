// Claude Code's file tools take the same field names as the scripts' tools but require
// absolute paths; the scripts name files relative to the workspace. For a Claude Code
// session the scripted server rewrites those fields against the workspace the session
// names in its WORKSPACE_HEADER.
import path from 'node:path';

export const WORKSPACE_HEADER = 'x-flux-triton-workspace';

/** Per tool, the input fields that hold a path. */
const PATH_FIELDS: Readonly<Record<string, readonly string[]>> = {
  Read: ['file_path'],
  Write: ['file_path'],
  Edit: ['file_path'],
  MultiEdit: ['file_path'],
  NotebookEdit: ['notebook_path'],
  Glob: ['path'],
  Grep: ['path'],
};

export function absolutizeToolInput(tool: string, input: Record<string, unknown>, workspaceDir: string): Record<string, unknown> {
  const fields = PATH_FIELDS[tool];
  if (!fields) return input;
  const out = { ...input };
  for (const field of fields) {
    const value = out[field];
    if (typeof value === 'string' && value !== '' && !path.isAbsolute(value)) out[field] = path.join(workspaceDir, value);
  }
  return out;
}
