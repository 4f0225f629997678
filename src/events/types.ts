// The run's event stream: the scheduler emits these; the state file, logs, progress view
// and reports subscribe. Every event is JSON-serialisable and carries an ISO timestamp.
import type { TurnRecord, Usage } from '../agent/types.js';
import type { TaskIdentity } from '../config/types.js';
import type { CheckResult } from '../verify/types.js';

export const TASK_STATES = ['pending', 'running', 'verifying', 'repairing', 'succeeded', 'cached', 'failed', 'blocked', 'interrupted'] as const;
export type TaskState = (typeof TASK_STATES)[number];

export const TERMINAL_STATES: ReadonlySet<TaskState> = new Set(['succeeded', 'cached', 'failed', 'blocked', 'interrupted']);
export const SUCCESS_STATES: ReadonlySet<TaskState> = new Set(['succeeded', 'cached']);

export type RunStatus = 'running' | 'succeeded' | 'failed' | 'interrupted';

export interface CommitInfo {
  sha: string;
  message: string;
  files: string[];
}

/** One verify pass over all of a task's checks; attempt 0 is the first, 1.. are repairs. */
export interface VerifyAttempt {
  attempt: number;
  results: CheckResult[];
  passed: boolean;
}

export type RunEvent =
  | {
      type: 'run:start';
      at: string;
      runId: string;
      graph: string;
      graphName: string;
      provider: string;
      concurrency: number;
      tasks: TaskIdentity[];
      phases: { id: string; title: string }[];
      resumedFrom?: string;
    }
  | {
      type: 'task:state';
      at: string;
      task: string;
      state: TaskState;
      previous: TaskState;
      /** Why (for failed/blocked/interrupted/cached). */
      reason?: string;
    }
  | { type: 'task:turn'; at: string; task: string; turn: TurnRecord }
  | { type: 'task:verify'; at: string; task: string; attempt: VerifyAttempt }
  | { type: 'task:commit'; at: string; task: string; commit: CommitInfo }
  | { type: 'task:usage'; at: string; task: string; usage: Usage; model: string }
  | {
      type: 'task:cost';
      at: string;
      task: string;
      /** The turn priced (0: usage reported without turns). */
      turn: number;
      model: string;
      /** USD for this turn; null when the model has no price (unknown, never guessed). */
      costUsd: number | null;
    }
  | { type: 'phase:start'; at: string; phase: string }
  | { type: 'phase:end'; at: string; phase: string }
  /** What the task's outputs held after a turn (a hash), so resume can tell a hand edit from the agent's work. */
  | { type: 'task:outputs'; at: string; task: string; fingerprint: string }
  | {
      type: 'run:notice';
      at: string;
      level: 'info' | 'warn';
      message: string;
      task?: string;
      /** 'turn-retry': a turn of `task` is retried after a transient failure (counted in the task's retries). */
      kind?: 'turn-retry';
      /** Stable identifier (e.g. `budget.cost-reached`) a caller can key its own advice on. */
      code?: string;
    }
  | { type: 'run:end'; at: string; runId: string; status: RunStatus };

export type RunEventType = RunEvent['type'];

export type RunEventListener = (event: RunEvent) => void;
