// Builds throwaway project directories from a file-tree object, so each test states its
// world in a few lines.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { AgentDefinition } from '../../src/config/types.js';
import { TOOL_NAMES } from '../../src/config/types.js';

export function writeTree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'flux-triton-config-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

export function agent(name: string, overrides: Partial<AgentDefinition> = {}): AgentDefinition {
  return { name, description: name, tools: [...TOOL_NAMES], prompt: 'You help.', extra: {}, source: { file: `${name}.md`, line: 1, column: 1 }, ...overrides };
}

export function agentMap(...names: string[]): Map<string, AgentDefinition> {
  return new Map(names.map((n) => [n, agent(n)]));
}
