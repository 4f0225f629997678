// Loads every agent definition (`*.md`) in a directory and checks them as a set.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AgentDefinition, ConfigProblem } from './types.js';
import { configError, configWarning } from './problems.js';
import { parseAgentFile } from './agentFile.js';

export interface LoadAgentsResult {
  /** Valid definitions by name. */
  agents: Map<string, AgentDefinition>;
  problems: ConfigProblem[];
  /**
   * Names of agents whose files exist but have errors. The task-graph loader uses this
   * to avoid a second, misleading "unknown agent" error for tasks that name them.
   */
  invalidAgentNames: Set<string>;
}

export function loadAgents(dir: string): LoadAgentsResult {
  const root = resolve(dir);
  const agents = new Map<string, AgentDefinition>();
  const problems: ConfigProblem[] = [];
  const invalidAgentNames = new Set<string>();

  if (!existsSync(root) || !statSync(root).isDirectory()) {
    problems.push({ ...configError('agents directory not found', { file: root }, 'create it with one Markdown file per agent'), code: 'config.agents-dir-not-found' });
    return { agents, problems, invalidAgentNames };
  }

  // Sorted so that "first definition" in duplicate messages is stable across machines.
  const files = readdirSync(root)
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => join(root, name));
  if (files.length === 0) {
    problems.push({ ...configWarning('no agent definitions (*.md) in the agents directory', { file: root }, 'add one Markdown file per agent'), code: 'config.no-agents' });
  }

  const firstDefinition = new Map<string, { file: string; line: number }>();
  for (const file of files) {
    const parsed = parseAgentFile(file, readFileSync(file, 'utf8'));
    problems.push(...parsed.problems);
    if (parsed.name === undefined) continue;
    const earlier = firstDefinition.get(parsed.name);
    if (earlier) {
      problems.push(
        configError(
          `duplicate agent name \`${parsed.name}\`: also defined in ${earlier.file}:${earlier.line}`,
          { file, line: parsed.nameLine, column: 1 },
          'agent names must be unique across files; rename one of them (the `name` key, or the file name when there is none)',
        ),
      );
      continue;
    }
    firstDefinition.set(parsed.name, { file, line: parsed.nameLine });
    if (parsed.agent) agents.set(parsed.name, parsed.agent);
    else invalidAgentNames.add(parsed.name);
  }
  return { agents, problems, invalidAgentNames };
}
