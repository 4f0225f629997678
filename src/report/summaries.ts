// Report data derived from a RunState: per task, per phase and for the run. The Markdown,
// JSON and terminal renderers all read these, so they never disagree about a number.
import type { Usage } from '../agent/types.js';
import type { TaskIdentity } from '../config/types.js';
import { addUsage, countStates, elapsedMs, emptyUsage, type RunNotice, type RunState, type StateCounts, type TaskRecord } from '../events/index.js';
import type { RunStatus } from '../events/types.js';
import type { JUnitSummary } from '../verify/types.js';
import { addCost } from '../cost/priceBook.js';

export const REPORT_SCHEMA_VERSION = 1;

export interface SkippedCheck {
  /** 0-based verify attempt. */
  attempt: number;
  name: string;
  reason: string;
}

export interface TaskSummary
  extends Pick<TaskRecord, keyof TaskIdentity | 'model' | 'state' | 'reason' | 'startedAt' | 'endedAt' | 'turns' | 'usage' | 'retries' | 'verify' | 'commit'> {
  durationMs?: number;
  totalTokens: number;
  /** USD; null when a turn's model had no price (see docs/reports.md). */
  costUsd: number | null;
  /** Verify passes made (1 + repairs). */
  attempts: number;
  /** Checks the final verify pass skipped: never counted as passed. */
  skippedChecks: SkippedCheck[];
  /** JUnit results of the final verify pass that has any. */
  junit: JUnitSummary[];
}

export interface PhaseSummary {
  /** 1-based position in the graph. */
  index: number;
  id: string;
  title: string;
  startedAt?: string;
  endedAt?: string;
  durationMs?: number;
  counts: StateCounts;
  usage: Usage;
  totalTokens: number;
  costUsd: number | null;
  commits: number;
  tasks: TaskSummary[];
}

export interface RunSummary {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  runId: string;
  graph: string;
  graphName: string;
  provider: string;
  status: RunStatus;
  startedAt: string;
  endedAt?: string;
  durationMs?: number;
  resumedFrom?: string;
  counts: StateCounts;
  usage: Usage;
  totalTokens: number;
  costUsd: number | null;
  commits: number;
  phases: PhaseSummary[];
  notices: RunNotice[];
}

export function totalTokens(usage: Usage): number {
  return usage.inputTokens + usage.outputTokens + usage.cacheCreationInputTokens + usage.cacheReadInputTokens;
}

/** A state file from before costs were recorded priced nothing: unknown if it had turns. */
function taskCost(task: TaskRecord): number | null {
  if (task.costUsd !== undefined) return task.costUsd;
  return task.turns > 0 ? null : 0;
}

export function summarizeTask(task: TaskRecord): TaskSummary {
  const last = task.verify.at(-1);
  const withJUnit = [...task.verify].reverse().find((a) => a.results.some((r) => r.junit));
  const summary: TaskSummary = {
    id: task.id,
    title: task.title,
    phase: task.phase,
    agent: task.agent,
    needs: task.needs,
    state: task.state,
    turns: task.turns,
    usage: task.usage,
    totalTokens: totalTokens(task.usage),
    costUsd: taskCost(task),
    retries: task.retries,
    attempts: task.verify.length,
    verify: task.verify,
    skippedChecks: (last?.results ?? [])
      .filter((r) => r.status === 'skipped')
      .map((r) => ({ attempt: last?.attempt ?? 0, name: r.name, reason: r.reason ?? 'no reason given' })),
    junit: (withJUnit?.results ?? []).flatMap((r) => (r.junit ? [r.junit] : [])),
  };
  if (task.model) summary.model = task.model;
  if (task.reason) summary.reason = task.reason;
  if (task.startedAt) summary.startedAt = task.startedAt;
  if (task.endedAt) summary.endedAt = task.endedAt;
  const duration = elapsedMs(task.startedAt, task.endedAt);
  if (duration !== undefined) summary.durationMs = duration;
  if (task.commit) summary.commit = task.commit;
  return summary;
}

export function summarizePhase(state: RunState, phaseId: string): PhaseSummary {
  const index = state.phases.findIndex((p) => p.id === phaseId);
  const phase = state.phases[index];
  if (!phase) throw new Error(`unknown phase ${phaseId}`);
  const tasks = Object.values(state.tasks)
    .filter((t) => t.phase === phaseId)
    .map(summarizeTask);
  const usage = tasks.reduce((sum, t) => addUsage(sum, t.usage), emptyUsage());
  const summary: PhaseSummary = {
    index: index + 1,
    id: phase.id,
    title: phase.title,
    counts: countStates(tasks),
    usage,
    totalTokens: totalTokens(usage),
    costUsd: tasks.reduce<number | null>((sum, t) => addCost(sum, t.costUsd), 0),
    commits: tasks.filter((t) => t.commit).length,
    tasks,
  };
  if (phase.startedAt) summary.startedAt = phase.startedAt;
  if (phase.endedAt) summary.endedAt = phase.endedAt;
  const duration = elapsedMs(phase.startedAt, phase.endedAt);
  if (duration !== undefined) summary.durationMs = duration;
  return summary;
}

export function summarizeRun(state: RunState): RunSummary {
  const phases = state.phases.map((p) => summarizePhase(state, p.id));
  const tasks = Object.values(state.tasks);
  const usage = tasks.reduce((sum, t) => addUsage(sum, t.usage), emptyUsage());
  const summary: RunSummary = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    runId: state.runId,
    graph: state.graph,
    graphName: state.graphName,
    provider: state.provider,
    status: state.status,
    startedAt: state.startedAt,
    counts: countStates(tasks),
    usage,
    totalTokens: totalTokens(usage),
    costUsd: tasks.reduce<number | null>((sum, t) => addCost(sum, taskCost(t)), 0),
    commits: tasks.filter((t) => t.commit).length,
    phases,
    notices: state.notices,
  };
  if (state.endedAt) summary.endedAt = state.endedAt;
  const duration = elapsedMs(state.startedAt, state.endedAt);
  if (duration !== undefined) summary.durationMs = duration;
  if (state.resumedFrom) summary.resumedFrom = state.resumedFrom;
  return summary;
}
