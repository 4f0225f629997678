// The content of `state.json`: everything known about a run, rebuilt from its events by a
// pure reducer. Resume reads it back, so it carries a schemaVersion; a change to its shape
// bumps the version and keeps a frozen old file as a test fixture.
import { readFile } from 'node:fs/promises';
import type { Usage } from '../agent/types.js';
import { UserError } from '../errors.js';
import { TERMINAL_STATES, type CommitInfo, type RunEvent, type RunStatus, type TaskState, type VerifyAttempt } from './types.js';
import { addUsage, zeroUsage as emptyUsage } from '../agent/usage.js';

export const RUN_STATE_SCHEMA_VERSION = 1;

export interface PhaseRecord {
  id: string;
  title: string;
  startedAt?: string;
  endedAt?: string;
}

export interface TaskRecord {
  id: string;
  title: string;
  phase: string;
  agent: string;
  needs: string[];
  state: TaskState;
  /** Why it is failed/blocked/interrupted/cached; cleared when the task runs again. */
  reason?: string;
  model?: string;
  /** First time it went to `running` in this run. */
  startedAt?: string;
  /** When it reached a terminal state. */
  endedAt?: string;
  /** Complete turns seen in this run (task:turn events). */
  turns: number;
  /** Tokens summed over this run's turns (see reduceRunState for task:usage). */
  usage: Usage;
  /** Verify passes; index 0 is the first, later ones follow repairs. */
  verify: VerifyAttempt[];
  commit?: CommitInfo;
  /** Transient API failures retried across all turns. */
  retries: number;
  /** Hash of the outputs after the agent's last turn (see task:outputs). */
  outputsFingerprint?: string;
}

export interface RunNotice {
  at: string;
  level: 'info' | 'warn';
  message: string;
  task?: string;
}

export interface RunState {
  schemaVersion: typeof RUN_STATE_SCHEMA_VERSION;
  runId: string;
  /** Path of the task graph file. */
  graph: string;
  graphName: string;
  provider: string;
  concurrency?: number;
  status: RunStatus;
  startedAt: string;
  endedAt?: string;
  resumedFrom?: string;
  phases: PhaseRecord[];
  /** In graph order (object keys keep insertion order). */
  tasks: Record<string, TaskRecord>;
  notices: RunNotice[];
}

// Usage arithmetic lives with the Usage type; re-exported for the reducer's readers.
export { addUsage, emptyUsage };

function newTask(spec: { id: string; title?: string; phase?: string; agent?: string; needs?: string[] }): TaskRecord {
  return {
    id: spec.id,
    title: spec.title ?? spec.id,
    phase: spec.phase ?? '',
    agent: spec.agent ?? '',
    needs: spec.needs ?? [],
    state: 'pending',
    turns: 0,
    usage: emptyUsage(),
    verify: [],
    retries: 0,
  };
}

/**
 * Applies one event. Pure: returns a new state and never mutates its input. The first
 * event must be `run:start`. Usage is summed from `task:turn`; a `task:usage` event sets
 * the model, and its usage counts only for a task without turn events (so a scheduler
 * that reports both does not double count).
 */
export function reduceRunState(state: RunState | undefined, event: RunEvent): RunState {
  if (event.type === 'run:start') {
    // Resuming this very run (its earlier state given): keep what was recorded per task.
    const earlier = event.resumedFrom !== undefined && state?.runId === event.resumedFrom ? state : undefined;
    const tasks: Record<string, TaskRecord> = {};
    for (const task of event.tasks) tasks[task.id] = carryOver(newTask(task), earlier?.tasks[task.id]);
    const started: RunState = {
      schemaVersion: RUN_STATE_SCHEMA_VERSION,
      runId: event.runId,
      graph: event.graph,
      graphName: event.graphName,
      provider: event.provider,
      concurrency: event.concurrency,
      status: 'running',
      startedAt: event.at,
      phases: event.phases.map((p) => ({ id: p.id, title: p.title })),
      tasks,
      notices: earlier ? [...earlier.notices] : [],
    };
    if (event.resumedFrom) started.resumedFrom = event.resumedFrom;
    return started;
  }
  if (!state) throw new Error(`run state: '${event.type}' arrived before 'run:start'`);

  switch (event.type) {
    case 'task:state':
      return updateTask(state, event.task, (task) => {
        const next: TaskRecord = { ...task, state: event.state };
        delete next.reason;
        if (event.reason) next.reason = event.reason;
        if (event.state === 'running' && !task.startedAt) next.startedAt = event.at;
        // A task settled before a resume ended when it ended then, not when the resume began.
        if (TERMINAL_STATES.has(event.state)) next.endedAt = event.reason === 'resumed' && task.endedAt ? task.endedAt : event.at;
        else delete next.endedAt;
        return next;
      });
    case 'task:turn':
      return updateTask(state, event.task, (task) => ({
        ...task,
        turns: task.turns + 1,
        model: task.model ?? event.turn.model,
        usage: addUsage(task.usage, event.turn.usage),
      }));
    case 'task:outputs':
      return updateTask(state, event.task, (task) => ({ ...task, outputsFingerprint: event.fingerprint }));
    case 'task:usage':
      return updateTask(state, event.task, (task) => ({
        ...task,
        model: event.model,
        usage: task.turns === 0 ? addUsage(task.usage, event.usage) : task.usage,
      }));
    case 'task:verify':
      return updateTask(state, event.task, (task) => ({
        ...task,
        verify: [...task.verify.filter((a) => a.attempt !== event.attempt.attempt), event.attempt].sort((a, b) => a.attempt - b.attempt),
      }));
    case 'task:commit':
      return updateTask(state, event.task, (task) => ({ ...task, commit: event.commit }));
    case 'phase:start':
    case 'phase:end': {
      const key = event.type === 'phase:start' ? 'startedAt' : 'endedAt';
      const known = state.phases.some((p) => p.id === event.phase);
      const phases = known ? state.phases : [...state.phases, { id: event.phase, title: event.phase }];
      return { ...state, phases: phases.map((p) => (p.id === event.phase ? { ...p, [key]: event.at } : p)) };
    }
    case 'run:notice': {
      const notice: RunNotice = { at: event.at, level: event.level, message: event.message };
      if (event.task) notice.task = event.task;
      const noted = { ...state, notices: [...state.notices, notice] };
      // Counted here, not from turns: a task whose turn failed every retry has no turn to carry them.
      if (event.kind === 'turn-retry' && event.task) return updateTask(noted, event.task, (task) => ({ ...task, retries: task.retries + 1 }));
      return noted;
    }
    case 'run:end':
      return { ...state, status: event.status, endedAt: event.at };
  }
}

/**
 * A task of a resumed run starts pending again but keeps its history: turns, usage, verify
 * attempts and commit (a task done before the kill is not rerun, so this is all it has).
 */
function carryOver(fresh: TaskRecord, earlier: TaskRecord | undefined): TaskRecord {
  if (!earlier) return fresh;
  const kept: TaskRecord = { ...fresh, turns: earlier.turns, usage: earlier.usage, verify: earlier.verify, retries: earlier.retries };
  if (earlier.model) kept.model = earlier.model;
  if (earlier.startedAt) kept.startedAt = earlier.startedAt;
  if (earlier.commit) kept.commit = earlier.commit;
  if (earlier.endedAt && (earlier.state === 'succeeded' || earlier.state === 'cached')) kept.endedAt = earlier.endedAt;
  return kept;
}

function updateTask(state: RunState, id: string, change: (task: TaskRecord) => TaskRecord): RunState {
  // A task the run:start did not list is still recorded rather than dropped.
  const current = state.tasks[id] ?? newTask({ id });
  return { ...state, tasks: { ...state.tasks, [id]: change(current) } };
}

/** Reads and checks a state file; an unknown schemaVersion is a clear error, not a crash later. */
export async function readRunState(file: string): Promise<RunState> {
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch (error) {
    throw new UserError(`Cannot read run state ${file}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw new UserError(`Run state ${file} is not valid JSON: ${(error as Error).message}`);
  }
  return parseRunState(value, file);
}

export function parseRunState(value: unknown, file: string): RunState {
  if (typeof value !== 'object' || value === null) throw new UserError(`Run state ${file} is not a JSON object.`);
  const record = value as Partial<RunState> & { schemaVersion?: unknown };
  if (record.schemaVersion !== RUN_STATE_SCHEMA_VERSION) {
    throw new UserError(
      `Run state ${file} has schemaVersion ${JSON.stringify(record.schemaVersion)}; this flux-triton reads version ${RUN_STATE_SCHEMA_VERSION}.`,
      'Use the flux-triton version that wrote it, or start a new run instead of resuming.',
    );
  }
  const problems: string[] = [];
  if (typeof record.runId !== 'string') problems.push('runId is missing');
  if (typeof record.startedAt !== 'string') problems.push('startedAt is missing');
  if (!Array.isArray(record.phases)) problems.push('phases is not a list');
  if (typeof record.tasks !== 'object' || record.tasks === null) problems.push('tasks is not an object');
  if (problems.length > 0) throw new UserError(`Run state ${file} is damaged: ${problems.join('; ')}.`);
  return { ...(record as RunState), notices: record.notices ?? [] };
}
