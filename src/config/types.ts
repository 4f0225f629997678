// The loaded, validated shapes of the two kinds of project input: agent definitions
// (agents/*.md) and the task graph (tasks/*.yaml). Every other module works from these.
import type { PriceTable } from '../cost/priceSchema.js';

/** Names of the tools an agent may be granted (Claude Code's names). */
export const TOOL_NAMES = ['Read', 'Write', 'Edit', 'Glob', 'Grep', 'Bash'] as const;
export type ToolName = (typeof TOOL_NAMES)[number];

import type { Diagnostic, SourcePosition } from '../util/diagnostic.js';

/** Where a value came from, for messages that name file, line and column (1-based). */
export type { SourcePosition };

export interface AgentDefinition {
  name: string;
  description: string;
  /** Tools granted; the front matter may omit `tools`, which grants all of them. */
  tools: ToolName[];
  /** Alias (`opus`, `sonnet`, `haiku`) or a full model id; undefined = graph default. */
  model?: string;
  maxTurns?: number;
  /** The Markdown body: the agent's system prompt. */
  prompt: string;
  /** Front-matter keys this tool does not use, kept as written. */
  extra: Record<string, unknown>;
  source: SourcePosition;
}

export interface PhaseSpec {
  id: string;
  title: string;
}

/** Built-in checks; `junit` reads a JUnit XML file the task wrote. */
export const BUILTIN_CHECKS = ['pbtxt', 'python-syntax', 'triton-contract', 'junit'] as const;
export type BuiltinCheckName = (typeof BUILTIN_CHECKS)[number];

export type VerifySpec =
  | {
      kind: 'builtin';
      check: BuiltinCheckName;
      /** Triton model name, for `triton-contract` (and optionally `pbtxt`). */
      model?: string;
      /** A path (relative to the workspace) the check reads, e.g. the JUnit XML for `junit`. */
      path?: string;
      /** When true, a missing prerequisite (torch, python3) makes the check `skipped`, never `passed`. */
      requires?: string[];
    }
  | {
      kind: 'run';
      run: string;
      /** Seconds before the command is killed. */
      timeout?: number;
      /** Python modules the command needs; when absent the check is recorded as skipped with the reason. */
      requires?: string[];
    };

export interface TaskDefaults {
  model: string;
  maxTurns: number;
  repairAttempts: number;
  /** Output-token budget per session; undefined = unlimited. */
  maxTokens?: number;
  /** Prices per model alias or id (USD per million tokens), over the shipped list prices. */
  pricing?: PriceTable;
}

export interface TaskSpec {
  id: string;
  title: string;
  phase: string;
  agent: string;
  needs: string[];
  /** Globs relative to the workspace root: the only paths the task may write. */
  outputs: string[];
  verify: VerifySpec[];
  prompt: string;
  model?: string;
  maxTurns?: number;
  repairAttempts?: number;
  /** Estimated duration in minutes, for the critical path. */
  estimate?: number;
  source: SourcePosition;
}

/** Who a task is and where it sits: the fields every view of a task (state, report, plan) repeats. */
export type TaskIdentity = Pick<TaskSpec, 'id' | 'title' | 'phase' | 'agent' | 'needs'>;

export interface TaskGraph {
  version: 1;
  name: string;
  /** Context files, relative to `<graph dir>/context/`, copied into the workspace root. */
  context: string[];
  defaults: TaskDefaults;
  phases: PhaseSpec[];
  tasks: TaskSpec[];
  /** Absolute path of the YAML file. */
  file: string;
  /** Absolute path of the directory holding the graph (context/, scripted/, golden/ live here). */
  dir: string;
}

export type Severity = 'error' | 'warning';

/** One problem found while loading, at its file:line:col; `hint` says how to fix it. */
export interface ConfigProblem extends Diagnostic {
  severity: Severity;
}
