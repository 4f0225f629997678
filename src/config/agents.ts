// Loads every agent definition (`*.md`) in a directory and checks them as a set.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AgentDefinition, ConfigProblem } from './types.js';
import { configError, configWarning } from './problems.js';
import { parseAgentFile } from './agentFile.js';
import { isNonAgentDocument, whyNotText } from './claudeCodeAgent.js';

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
    problems.push({
      ...configError('agents directory not found', { file: root }, 'create it with one Markdown file per agent'),
      code: 'config.agents-dir-not-found',
    });
    return { agents, problems, invalidAgentNames };
  }

  // Sorted so that "first definition" in duplicate messages is stable across machines.
  // Agents folders copied from real repositories hold a README.md and the like: not agents.
  const names = readdirSync(root)
    .filter((name) => name.endsWith('.md'))
    .sort();
  const files: string[] = [];
  for (const name of names) {
    const file = join(root, name);
    // statSync follows links: a dangling one is not a file either, and is skipped with the rest.
    if (!statSync(file, { throwIfNoEntry: false })?.isFile()) continue;
    if (isNonAgentDocument(name)) {
      problems.push(
        configWarning(
          `skipped ${name}: documentation, not an agent definition`,
          { file },
          'nothing to do; rename it (e.g. `docs-agent.md`) if it really is an agent',
        ),
      );
      continue;
    }
    files.push(file);
  }
  if (files.length === 0) {
    problems.push({
      ...configWarning('no agent definitions (*.md) in the agents directory', { file: root }, 'add one Markdown file per agent'),
      code: 'config.no-agents',
    });
  }

  const firstDefinition = new Map<string, { file: string; line: number }>();
  for (const file of files) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (error) {
      problems.push(
        configError(
          `cannot read the agent file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
          { file },
          'make it readable, or remove it from the agents directory',
        ),
      );
      continue;
    }
    const notText = whyNotText(bytes);
    if (notText !== undefined) {
      problems.push(
        configError(
          `not an agent definition: ${notText}`,
          { file, line: 1, column: 1 },
          'remove the file from the agents directory, or replace it with a Markdown agent definition',
        ),
      );
      continue;
    }
    const parsed = parseAgentFile(file, bytes.toString('utf8'));
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
