// Loads a task-graph YAML file: parse (keeping positions), check shapes (zod), check
// cross-references and the dependency graph (rules), and assemble the TaskGraph. Every
// problem is reported, not just the first; the graph is returned only when there are no
// errors.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { AgentDefinition, ConfigProblem, TaskDefaults, TaskGraph, TaskSpec, VerifySpec } from './types.js';
import type { z } from 'zod';
import { hasErrors, sortDiagnostics } from '../util/diagnostic.js';
import { configError } from './problems.js';
import { concurrentOutputsDisjoint, noCycles } from './dependencyRules.js';
import type { ParsedPhase, ParsedTask, Rule, RuleContext } from './ruleContext.js';
import { describePath, issuesToProblems, valueAt } from './schemaProblems.js';
import { DEFAULT_TASK_DEFAULTS, graphFileSchema, phaseSchema, taskSchema, verifyEntrySchema, type GraphFileInput } from './taskGraphSchema.js';
import {
  contextFiles,
  duplicatePhaseIds,
  duplicateTaskIds,
  knownAgents,
  knownNeeds,
  knownPhases,
  needsRespectPhaseOrder,
  outputPaths,
  phasesHaveTasks,
  runRules,
} from './taskGraphRules.js';
import { toVerifySpec } from './verifySpecs.js';
import { YamlSource } from './yamlSource.js';

export interface LoadTaskGraphResult {
  /** Set only when there are no errors (warnings are fine). */
  graph?: TaskGraph;
  problems: ConfigProblem[];
}

export interface LoadTaskGraphOptions {
  /** Agents whose files exist but failed to load; tasks naming them get no extra error. */
  invalidAgentNames?: ReadonlySet<string>;
}

/** Rules in the order their problems read best: names first, then graph shape. */
const RULES: readonly Rule[] = [
  duplicatePhaseIds,
  duplicateTaskIds,
  knownPhases,
  knownAgents,
  knownNeeds,
  needsRespectPhaseOrder,
  outputPaths,
  noCycles,
  concurrentOutputsDisjoint,
  contextFiles,
  phasesHaveTasks,
];

export function loadTaskGraph(file: string, agents: ReadonlyMap<string, AgentDefinition>, options: LoadTaskGraphOptions = {}): LoadTaskGraphResult {
  const path = resolve(file);
  if (!existsSync(path)) {
    return { problems: [{ ...configError('task graph file not found', { file: path }, 'check the path'), code: 'config.graph-not-found' }] };
  }
  if (!statSync(path).isFile()) {
    return {
      problems: [
        configError(
          'the task graph must be a YAML file, but this is a directory or another kind of file',
          { file: path },
          'pass the graph file itself, e.g. tasks/flux-triton.yaml',
        ),
      ],
    };
  }
  return parseTaskGraph(path, readFileSync(path, 'utf8'), agents, options);
}

/** The same as loadTaskGraph for text already in memory; `file` is used for messages and `dir`. */
export function parseTaskGraph(
  file: string,
  text: string,
  agents: ReadonlyMap<string, AgentDefinition>,
  options: LoadTaskGraphOptions = {},
): LoadTaskGraphResult {
  const path = resolve(file);
  const source = new YamlSource(path, text.replace(/^\uFEFF/, ''));
  const problems = source.syntaxProblems();
  if (hasErrors(problems)) return { problems };
  if (!source.isMapping()) {
    problems.push(
      configError(
        'the task graph must be a YAML mapping with `version`, `name`, `phases` and `tasks`',
        source.positionOf([]),
        'see docs/ or tasks/flux-triton.yaml for an example',
      ),
    );
    return { problems };
  }
  const plain = source.toJS();
  if (plain.problem) return { problems: [...problems, plain.problem] };
  const root: unknown = plain.value;

  // The top level, then each phase, task and verify entry on its own, so a broken
  // entry does not hide problems elsewhere.
  const top = graphFileSchema.safeParse(root);
  if (!top.success) problems.push(...issuesToProblems(top.error.issues, [], source, root));
  const topLevel: Partial<GraphFileInput> = top.success ? top.data : {};
  const rawPhases = asArray(valueAt(root, ['phases']));
  const rawTasks = asArray(valueAt(root, ['tasks']));

  const phases: ParsedPhase[] = [];
  rawPhases.forEach((raw, index) => {
    const result = parseIgnoringUnknownKeys(phaseSchema, raw);
    problems.push(...issuesToProblems(result.issues, ['phases', index], source, root));
    if (result.data !== undefined) phases.push({ index, input: result.data });
  });

  const tasks: ParsedTask[] = [];
  const allTaskIds = new Set<string>();
  rawTasks.forEach((raw, index) => {
    const id = valueAt(raw, ['id']);
    if (typeof id === 'string') allTaskIds.add(id);
    const result = parseIgnoringUnknownKeys(taskSchema, raw);
    problems.push(...issuesToProblems(result.issues, ['tasks', index], source, root));
    if (result.data === undefined) return;
    // Broken verify entries are reported but keep the task in the rules' view: other
    // rules (needs, phases, outputs) do not depend on them.
    const verify = parseVerifyEntries(result.data.verify, index, source, root, problems);
    tasks.push({ index, input: result.data, verify: verify ?? [] });
  });

  if (Array.isArray(valueAt(root, ['tasks'])) && rawTasks.length === 0) {
    problems.push(configError('the graph has no tasks', source.positionOf(['tasks']), 'add at least one task under `tasks`'));
  }

  const ctx: RuleContext = {
    source,
    graphDir: dirname(path),
    context: topLevel.context ?? [],
    phases,
    tasks,
    allTaskIds,
    agents,
    invalidAgentNames: options.invalidAgentNames ?? new Set(),
    problems,
  };
  runRules(ctx, RULES);

  const sorted = sortDiagnostics(problems);
  if (hasErrors(problems) || !top.success) return { problems: sorted };
  return { graph: assemble(path, top.data, phases, tasks, source), problems: sorted };
}

/**
 * safeParse, except that an entry whose only fault is unknown keys still yields data
 * (with those keys dropped) so the rules can check the rest of it; the unknown keys are
 * returned as issues all the same.
 */
function parseIgnoringUnknownKeys<T>(schema: z.ZodType<T>, raw: unknown): { data?: T; issues: z.core.$ZodIssue[] } {
  const first = schema.safeParse(raw);
  if (first.success) return { data: first.data, issues: [] };
  const issues = first.error.issues;
  const unknownAtRoot = issues.filter((i) => i.code === 'unrecognized_keys' && i.path.length === 0);
  if (unknownAtRoot.length !== issues.length || raw === null || typeof raw !== 'object') return { issues };
  const withoutUnknown: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
  for (const issue of unknownAtRoot) if (issue.code === 'unrecognized_keys') for (const key of issue.keys) delete withoutUnknown[key];
  const second = schema.safeParse(withoutUnknown);
  return second.success ? { data: second.data, issues } : { issues };
}

function parseVerifyEntries(entries: unknown[], taskIndex: number, source: YamlSource, root: unknown, problems: ConfigProblem[]): VerifySpec[] | undefined {
  const specs: VerifySpec[] = [];
  let ok = true;
  entries.forEach((raw, j) => {
    const path = ['tasks', taskIndex, 'verify', j];
    const result = parseIgnoringUnknownKeys(verifyEntrySchema, raw);
    problems.push(...issuesToProblems(result.issues, path, source, root));
    if (result.data === undefined || result.issues.length > 0) {
      ok = false;
      if (result.data === undefined) return;
    }
    const spec = toVerifySpec(result.data, path, describePath(root, path), source, problems);
    if (spec) specs.push(spec);
    else ok = false;
  });
  return ok ? specs : undefined;
}

function assemble(file: string, top: GraphFileInput, phases: ParsedPhase[], tasks: ParsedTask[], source: YamlSource): TaskGraph {
  const defaults: TaskDefaults = {
    model: top.defaults.model ?? DEFAULT_TASK_DEFAULTS.model,
    maxTurns: top.defaults.maxTurns ?? DEFAULT_TASK_DEFAULTS.maxTurns,
    repairAttempts: top.defaults.repairAttempts ?? DEFAULT_TASK_DEFAULTS.repairAttempts,
  };
  if (top.defaults.maxTokens !== undefined) defaults.maxTokens = top.defaults.maxTokens;
  if (top.defaults.pricing !== undefined) defaults.pricing = top.defaults.pricing;
  return {
    version: 1,
    name: top.name,
    context: top.context,
    defaults,
    phases: phases.map((p) => ({ id: p.input.id, title: p.input.title })),
    tasks: tasks.map((t) => toTaskSpec(t, source)),
    file,
    dir: dirname(file),
  };
}

function toTaskSpec({ index, input, verify }: ParsedTask, source: YamlSource): TaskSpec {
  const spec: TaskSpec = {
    id: input.id,
    title: input.title,
    phase: input.phase,
    agent: input.agent,
    needs: [...new Set(input.needs)],
    outputs: input.outputs,
    verify,
    prompt: input.prompt,
    source: source.positionOf(['tasks', index]),
  };
  if (input.model !== undefined) spec.model = input.model;
  if (input.maxTurns !== undefined) spec.maxTurns = input.maxTurns;
  if (input.repairAttempts !== undefined) spec.repairAttempts = input.repairAttempts;
  if (input.estimate !== undefined) spec.estimate = input.estimate;
  return spec;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
