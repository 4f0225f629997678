// Flags shared by every command that reads or writes project files, with the same names,
// defaults and help everywhere. Paths resolve against the CLI's cwd.

import { resolve } from 'node:path';
import type { StringOption } from './command.js';

export const graphOption = {
  type: 'string',
  valueName: 'FILE',
  default: 'tasks/flux-triton.yaml',
  help: 'Task graph YAML',
} as const satisfies StringOption;

export const agentsOption = {
  type: 'string',
  valueName: 'DIR',
  default: 'agents/',
  help: 'Directory of agent definitions (*.md)',
} as const satisfies StringOption;

export const workspaceOption = {
  type: 'string',
  valueName: 'DIR',
  default: 'workspace/',
  help: 'Git repository the agents work in',
} as const satisfies StringOption;

export const reportsOption = {
  type: 'string',
  valueName: 'DIR',
  default: 'reports/',
  help: 'Where run state, transcripts and reports go',
} as const satisfies StringOption;

/** All four; spread into a command's options: `options: { ...projectOptions, … }`. */
export const projectOptions = {
  graph: graphOption,
  agents: agentsOption,
  workspace: workspaceOption,
  reports: reportsOption,
} as const;

export interface ProjectPaths {
  graphFile: string;
  agentsDir: string;
  workspaceDir: string;
  reportsDir: string;
}

/** Absolute paths from whichever of the project flags a command has (defaults otherwise). */
export function resolveProjectPaths(values: { graph?: string; agents?: string; workspace?: string; reports?: string }, cwd: string): ProjectPaths {
  return {
    graphFile: resolve(cwd, values.graph ?? graphOption.default),
    agentsDir: resolve(cwd, values.agents ?? agentsOption.default),
    workspaceDir: resolve(cwd, values.workspace ?? workspaceOption.default),
    reportsDir: resolve(cwd, values.reports ?? reportsOption.default),
  };
}
