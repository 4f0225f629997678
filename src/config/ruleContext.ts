// What the task-graph rules see: the shape-checked pieces of the file, where they came
// from, and what else is known (agents, graph directory). Rules are small functions
// `(ctx) => void` that push problems; each can be read and tested on its own.

import type { AgentDefinition, ConfigProblem, VerifySpec } from './types.js';
import type { PhaseInput, TaskInput } from './taskGraphSchema.js';
import type { YamlSource } from './yamlSource.js';

export interface ParsedPhase {
  /** Position in the file's `phases` list. */
  index: number;
  input: PhaseInput;
}

export interface ParsedTask {
  /** Position in the file's `tasks` list (for YAML paths). */
  index: number;
  input: TaskInput;
  verify: VerifySpec[];
}

export interface RuleContext {
  source: YamlSource;
  /** Absolute directory of the graph file. */
  graphDir: string;
  context: readonly string[];
  phases: readonly ParsedPhase[];
  /** Tasks whose entry passed the schema. */
  tasks: readonly ParsedTask[];
  /** Ids of every task entry, including those that failed the schema, so their dependents do not get a second, misleading "unknown need". */
  allTaskIds: ReadonlySet<string>;
  agents: ReadonlyMap<string, AgentDefinition>;
  /** Agents whose files exist but have errors (already reported). */
  invalidAgentNames: ReadonlySet<string>;
  problems: ConfigProblem[];
}

export type Rule = (ctx: RuleContext) => void;
