// The content of `state.json`: everything known about a run, rebuilt from its events by a
// pure reducer. Resume reads it back, so it carries a schemaVersion; a change to its shape
// bumps the version and keeps a frozen old file as a test fixture.
import { readFile } from 'node:fs/promises';
import type { Usage } from '../agent/types.js';
import type { TaskIdentity } from '../config/types.js';
import { UserError } from '../errors.js';
import { TERMINAL_STATES, type CommitInfo, type RunEvent, type RunStatus, type TaskState, type VerifyAttempt } from './types.js';
import { addUsage, zeroUsage as emptyUsage } from '../agent/usage.js';
import { addCost } from '../cost/priceBook.js';

export const RUN_STATE_SCHEMA_VERSION = 1;

export interface PhaseRecord {
  id: string;
  title: string;
  startedAt?: string;
  endedAt?: string;
  /** USD spent by this phase's tasks (see TaskRecord.costUsd). */
  costUsd?: number | null;
}

export interface TaskRecord extends TaskIdentity {
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
  /** USD over this task's priced turns; null once any turn's model had no price. Absent in older state files. */
  costUsd?: number | null;
  /** Each priced turn's cost, in order (task:cost events). */
  turnCosts?: TurnCost[];
  /** Hash of the outputs after the agent's last turn (see task:outputs). */
  outputsFingerprint?: string;
}

export interface TurnCost {
  turn: number;
  model: string;
  costUsd: number | null;
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
  /** USD spent by the whole run, resumed parts included; null when any turn was unpriced. */
  costUsd?: number | null;
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
    costUsd: 0,
    turnCosts: [],
  };
}

/**
 * Applies one event. Pure: returns a new state and never mutates its input. The first
 * event must be `run:start`. Usage is summed from `task:turn`; a `task:usage` event sets
 * the model, and its usage counts only for a task without turn events (so a scheduler
 * that reports both does not double count).
 */
export function reduceRunState(state: RunState | undefined, event: RunEvent): RunState {
  return reduce(state, event, false);
}

/**
 * The same as reduceRunState, for a holder that owns its state and keeps no earlier
 * snapshot of it: the state object, its task map and its notices are updated in place,
 * so the cost of an event does not grow with the number of tasks. Task records and
 * phases are still replaced, never changed, so a record taken earlier stays as it was
 * (the state writer's redaction cache keys on them). Returns the state (a new one for
 * `run:start`).
 */
export function applyRunEvent(state: RunState | undefined, event: RunEvent): RunState {
  return reduce(state, event, true);
}

function reduce(state: RunState | undefined, event: RunEvent, inPlace: boolean): RunState {
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
      // A resumed run keeps what its tasks already spent.
      phases: event.phases.map((p) => ({ id: p.id, title: p.title, costUsd: phaseCost(tasks, p.id) })),
      tasks,
      notices: earlier ? [...earlier.notices] : [],
      costUsd: Object.values(tasks).reduce<number | null>((sum, t) => addCost(sum, t.costUsd ?? null), 0),
    };
    if (event.resumedFrom) started.resumedFrom = event.resumedFrom;
    return started;
  }
  if (!state) throw new Error(`run state: '${event.type}' arrived before 'run:start'`);
  const next = reduceRunning(state, event, inPlace);
  if (!inPlace || next === state) return next;
  // In place: the top-level fields the event replaced go back into the owned object.
  return Object.assign(state, next);
}

function reduceRunning(state: RunState, event: Exclude<RunEvent, { type: 'run:start' }>, inPlace: boolean): RunState {
  const updateTask = (s: RunState, id: string, change: (task: TaskRecord) => TaskRecord): RunState =>
    inPlace ? replaceTask(s, id, change) : copyWithTask(s, id, change);
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
    case 'task:cost': {
      const owner = state.tasks[event.task]?.phase;
      const priced = updateTask(state, event.task, (task) => ({
        ...task,
        costUsd: addCost(task.costUsd ?? null, event.costUsd),
        turnCosts: [...(task.turnCosts ?? []), { turn: event.turn, model: event.model, costUsd: event.costUsd }],
      }));
      return {
        ...priced,
        costUsd: addCost(state.costUsd ?? null, event.costUsd),
        phases: priced.phases.map((p) => (p.id === owner ? { ...p, costUsd: addCost(p.costUsd ?? null, event.costUsd) } : p)),
      };
    }
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
      let noted: RunState;
      if (inPlace) {
        state.notices.push(notice);
        noted = state;
      } else {
        noted = { ...state, notices: [...state.notices, notice] };
      }
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
  const kept: TaskRecord = {
    ...fresh,
    turns: earlier.turns,
    usage: earlier.usage,
    verify: earlier.verify,
    retries: earlier.retries,
    // A state file from before costs were recorded has usage but no price for it: unknown.
    costUsd: earlier.costUsd === undefined ? (earlier.turns > 0 ? null : 0) : earlier.costUsd,
    turnCosts: earlier.turnCosts ?? [],
  };
  if (earlier.model) kept.model = earlier.model;
  if (earlier.startedAt) kept.startedAt = earlier.startedAt;
  if (earlier.commit) kept.commit = earlier.commit;
  if (earlier.endedAt && (earlier.state === 'succeeded' || earlier.state === 'cached')) kept.endedAt = earlier.endedAt;
  return kept;
}

/** A phase's spend: the sum of its tasks'. */
function phaseCost(tasks: Record<string, TaskRecord>, phaseId: string): number | null {
  return Object.values(tasks)
    .filter((t) => t.phase === phaseId)
    .reduce<number | null>((sum, t) => addCost(sum, t.costUsd ?? null), 0);
}

// A task the run:start did not list is still recorded rather than dropped.
function copyWithTask(state: RunState, id: string, change: (task: TaskRecord) => TaskRecord): RunState {
  const current = state.tasks[id] ?? newTask({ id });
  return { ...state, tasks: { ...state.tasks, [id]: change(current) } };
}

function replaceTask(state: RunState, id: string, change: (task: TaskRecord) => TaskRecord): RunState {
  state.tasks[id] = change(state.tasks[id] ?? newTask({ id }));
  return state;
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
