// The cache key of a task: everything that could change what its agent produces. A task
// whose key matches the one recorded on its last commit, with its outputs untouched
// since, is `cached` and skipped.
import { createHash } from 'node:crypto';
import type { AgentDefinition, TaskSpec } from '../config/types.js';

export interface InputHashParts {
  agent: AgentDefinition;
  task: TaskSpec;
  model: string;
  /** The run's shared system-prompt prefix: the working rules and every context file, verbatim. */
  sharedContext: string;
  /** The commit sha each need was satisfied by, in `needs` order. */
  needCommits: string[];
}

export function computeInputHash(parts: InputHashParts): string {
  const hash = createHash('sha256');
  const feed = (label: string, value: string): void => {
    hash.update(`${label}\u0000${value.length}\u0000${value}\u0000`);
  };
  const { agent, task } = parts;
  feed('agent', JSON.stringify({ name: agent.name, tools: agent.tools, model: agent.model ?? null, maxTurns: agent.maxTurns ?? null, prompt: agent.prompt }));
  // `source` is where the task was written, not what it says: moving it in the file must not bust the cache.
  const { source: _source, ...definition } = task;
  feed('task', JSON.stringify(definition));
  feed('model', parts.model);
  feed('context', parts.sharedContext);
  parts.needCommits.forEach((sha, i) => {
    feed(`need:${task.needs[i] ?? i}`, sha);
  });
  return hash.digest('hex').slice(0, 24);
}
