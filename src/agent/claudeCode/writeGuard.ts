// The runner, not the model, decides what a Claude Code session may write: every call of a
// file-writing tool is checked against the task's declared outputs before Claude Code runs
// it, and a refusal comes back to the model as the tool's error, naming what is allowed.
import path from 'node:path';
import { ToolError } from '../tools/toolError.js';
import { WriteScope } from '../tools/sandbox.js';
import type { PermissionDecision } from './agentSdk.js';

/** Claude Code's tools that write files, and the input field that names the file. */
export const WRITE_TOOLS: Readonly<Record<string, string>> = {
  Write: 'file_path',
  Edit: 'file_path',
  MultiEdit: 'file_path',
  NotebookEdit: 'notebook_path',
};

export function isWriteTool(name: string): boolean {
  return Object.hasOwn(WRITE_TOOLS, name);
}

/** Allows every tool but writes outside `outputs` (globs relative to `workspaceDir`). */
export function writeGuard(workspaceDir: string, outputs: readonly string[]): (tool: string, input: Record<string, unknown>) => PermissionDecision {
  const scope = new WriteScope(outputs);
  const root = path.resolve(workspaceDir);
  return (tool, input) => {
    const field = WRITE_TOOLS[tool];
    if (field === undefined) return { behavior: 'allow', updatedInput: input };
    const target = input[field];
    if (typeof target !== 'string' || target === '') {
      return { behavior: 'deny', message: `Refused: ${tool} needs ${field}, the path of the file to write.` };
    }
    const relative = path.relative(root, path.resolve(root, target)).split(path.sep).join('/');
    if (relative === '' || relative.startsWith('../') || relative === '..' || path.isAbsolute(relative)) {
      return {
        behavior: 'deny',
        message: `Refused: ${tool} may only write inside the workspace ${root}, and ${target} is outside it. Allowed: ${outputs.join(', ') || '(none)'}.`,
      };
    }
    try {
      scope.check(relative, tool);
    } catch (error) {
      if (error instanceof ToolError) return { behavior: 'deny', message: error.message };
      throw error;
    }
    return { behavior: 'allow', updatedInput: input };
  };
}
