// One task from start to commit: the cache check, the agent session, verify and the
// repair loop in the same conversation (task/verifyAndRepair), then exactly one commit of
// the task's outputs (task/commitTask); failed work is set aside afterwards.
import type Anthropic from '@anthropic-ai/sdk';
import path from 'node:path';
import { buildTaskMessage, resolveModel, type Provider } from '../agent/index.js';
import type { SessionOutcome, TurnRecord } from '../agent/types.js';
import type { AgentDefinition, TaskGraph, TaskSpec } from '../config/types.js';
import type { RunEvent } from '../events/types.js';
import type { SchedulableTask, TaskContext, TaskOutcome } from '../scheduler/index.js';
import { checkEnvironment } from '../verify/commandCheck.js';
import {
  describeViolation,
  outputsFingerprint,
  setAsideChanges,
  setAsideOutputs,
  type ChangedPath,
  type CommitQueue,
  type ScopeGuard,
  type ScopeViolation,
} from '../workspace/index.js';
import { outputsChangedSince } from './cache.js';
import { computeInputHash } from './inputHash.js';
import { redactedCopy } from './secretScan.js';
import { collectNeededFiles } from './neededFiles.js';
import { commitTask } from './task/commitTask.js';
import { UsageMeter } from './task/usageMeter.js';
import { sessionFailure, verifyAndRepair } from './task/verifyAndRepair.js';

export interface TaskCommitRef {
  sha: string;
  inputHash?: string;
  runId?: string;
}

export interface TaskRunnerDeps {
  graph: TaskGraph;
  agents: Map<string, AgentDefinition>;
  workspaceDir: string;
  runId: string;
  provider: Provider;
  sharedContext: string;
  cliModel?: string;
  python: string;
  /** The run's environment (before secrets are stripped for tools and checks). */
  env: NodeJS.ProcessEnv;
  commitQueue: CommitQueue;
  /** Checks after each task that nothing outside the outputs changed and HEAD did not move. */
  scopeGuard: ScopeGuard;
  /** Resumed tasks whose leftover outputs were edited by someone else meanwhile. */
  editedOnResume?: ReadonlySet<string>;
  /** The latest commit of every task in the workspace; updated as this run commits. */
  taskCommits: Map<string, TaskCommitRef>;
  /** Conversations to continue, by task (resume). */
  histories: Map<string, Anthropic.MessageParam[]>;
  /** Claude Code sessions to continue, by task (resume with the claude-code provider). */
  sessionIds?: Map<string, string>;
  force: boolean;
  /** Where a failed task's uncommitted outputs are kept (`<runDir>/failed`). */
  failedOutputsDir: string;
  /** Tasks that run regardless of the cache (`--task`). */
  forced: ReadonlySet<string>;
  emit(event: RunEvent): void;
  now(): Date;
  /** A spending limit's reason to start no further turn of `task` (see BudgetGuard). */
  stopBeforeTurn?: (task: string) => string | undefined;
}

/** A scope check's verdict: `failed` when the task changed what it must not; the changes it saw either way. */
export interface ScopeOutcome {
  failed?: TaskOutcome;
  changes: readonly ChangedPath[];
}

/** "200 ms", "1.5 s", "30 s": a wait under a second must not read as "0 s". */
export function formatWait(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return ms < 10_000 ? `${Math.round(ms / 100) / 10} s` : `${Math.round(ms / 1000)} s`;
}

export function createTaskRunner(deps: TaskRunnerDeps): (task: SchedulableTask, ctx: TaskContext) => Promise<TaskOutcome> {
  const specs = new Map(deps.graph.tasks.map((t) => [t.id, t]));
  const at = (): string => deps.now().toISOString();
  const inFlight = new Set<string>();
  /** Tasks interrupted in this run: their outputs stay in the workspace for --resume, and are not stray. */
  const leftInPlace = new Set<string>();
  /** Per task, the hash of its outputs being taken after its latest turn. */
  const fingerprints = new Map<string, Promise<void>>();
  const noteOutputs = (task: TaskSpec): void => {
    const previous = fingerprints.get(task.id) ?? Promise.resolve();
    fingerprints.set(
      task.id,
      previous
        .then(() => outputsFingerprint(deps.workspaceDir, task.outputs))
        .then((fingerprint) => deps.emit({ type: 'task:outputs', at: at(), task: task.id, fingerprint }))
        .catch(() => undefined), // a hash is a hint for resume, never a reason to fail the task
    );
  };
  const violations = new Map<string, ScopeViolation>();

  /**
   * Out-of-scope changes fail the task (`failed`). Tasks running alongside may write their
   * own outputs meanwhile. `changes`: what the check saw, for the secret scan.
   */
  const checkScope = async (task: TaskSpec): Promise<ScopeOutcome> => {
    // The outputs allowed are read when the check runs (in the queue), not when it is queued,
    // and again once git has read the workspace: a task started meanwhile may have written.
    const allowedNow = (): string[] => [...new Set([task.id, ...inFlight, ...leftInPlace])].flatMap((id) => specs.get(id)?.outputs ?? []);
    const { changes, violation } = await deps.commitQueue.run(() => {
      const atStart = allowedNow();
      return deps.scopeGuard.check(() => [...new Set([...atStart, ...allowedNow()])]);
    });
    if (!violation) return { changes };
    violations.set(task.id, violation);
    return { changes, failed: { state: 'failed', reason: `changes outside the task's scope: ${describeViolation(violation)}` } };
  };

  const runTask = async (scheduled: SchedulableTask, ctx: TaskContext): Promise<TaskOutcome> => {
    const task = specs.get(scheduled.id) as TaskSpec;
    const agent = deps.agents.get(task.agent) as AgentDefinition;
    const model = resolveModel({ cli: deps.cliModel, task: task.model, agent: agent.model, defaults: deps.graph.defaults.model });

    const needCommits = task.needs.map((need) => deps.taskCommits.get(need)?.sha ?? 'none');
    const inputHash = computeInputHash({ agent, task, model, sharedContext: deps.sharedContext, needCommits });
    const previous = deps.taskCommits.get(task.id);
    const mayUseCache = !deps.force && !deps.forced.has(task.id) && !deps.histories.has(task.id);
    if (mayUseCache && previous?.inputHash === inputHash && !(await outputsChangedSince(deps.workspaceDir, previous.sha, task.outputs))) {
      return { state: 'cached', reason: `inputs unchanged since ${previous.sha.slice(0, 7)}` };
    }

    const usage = new UsageMeter(task.id, model, deps.emit, deps.now);
    const history = deps.histories.get(task.id);
    const session = deps.provider.session({
      model,
      agent,
      task,
      workspaceDir: deps.workspaceDir,
      sharedContext: deps.sharedContext,
      maxTurns: task.maxTurns ?? agent.maxTurns ?? deps.graph.defaults.maxTurns,
      tokenBudget: deps.graph.defaults.maxTokens,
      signal: ctx.signal,
      // The agent's `python` is the interpreter the checks use, so its self-tests see what verify sees.
      bashEnv: checkEnvironment(deps.python, deps.env),
      history,
      resumeSessionId: deps.sessionIds?.get(task.id),
      turnsSoFar: history?.filter((message) => message.role === 'assistant').length,
      ...(deps.stopBeforeTurn ? { stopBeforeTurn: () => deps.stopBeforeTurn?.(task.id) } : {}),
      onTurn: (turn: TurnRecord) => {
        usage.add(turn.usage);
        deps.emit({ type: 'task:turn', at: at(), task: task.id, turn });
        noteOutputs(task);
      },
      onTransientFailure: (failure) => {
        if (failure.status === 429) ctx.rateLimited();
        deps.emit({
          type: 'run:notice',
          at: at(),
          level: 'warn',
          task: task.id,
          kind: 'turn-retry',
          // No task id in the text: the notice carries it, and every view prints it once.
          message: `${failure.message}; retrying turn ${failure.turn} in ${formatWait(failure.waitMs)} (attempt ${failure.attempt})`,
        });
      },
    });

    // The session and its repairs: usage is reported once when they are over, however they end.
    try {
      let outcome: SessionOutcome;
      if (deps.histories.has(task.id)) {
        outcome = await session.resume();
      } else {
        const needed = await collectNeededFiles(
          deps.workspaceDir,
          task.needs.map((id) => specs.get(id) as TaskSpec),
        );
        outcome = await session.run(buildTaskMessage(task, needed));
      }
      if (outcome.reason !== 'end_turn') return sessionFailure(outcome, 'before verification');
      const maxRepairs = task.repairAttempts ?? deps.graph.defaults.repairAttempts;
      const unverified = await verifyAndRepair({ task, session, ctx, workspaceDir: deps.workspaceDir, python: deps.python, maxRepairs, emit: deps.emit, at });
      if (unverified) return unverified;
    } finally {
      usage.settle();
    }
    return commitTask(deps, { task, agent, model, inputHash, tokens: usage.totalTokens, checkScope });
  };

  const runScheduled = async (scheduled: SchedulableTask, ctx: TaskContext): Promise<TaskOutcome> => {
    let outcome: TaskOutcome;
    inFlight.add(scheduled.id);
    try {
      outcome = await runTask(scheduled, ctx);
      // A task that failed on its own may still have changed what it must not.
      if (outcome.state === 'failed' && !violations.has(scheduled.id)) {
        const { failed } = await checkScope(specs.get(scheduled.id) as TaskSpec);
        if (failed) outcome = { state: 'failed', reason: `${outcome.reason}; ${failed.state === 'failed' ? failed.reason : ''}` };
      }
    } catch (error) {
      outcome = { state: 'failed', reason: (error as Error).message };
    } finally {
      await fingerprints.get(scheduled.id);
      fingerprints.delete(scheduled.id);
    }
    try {
      await setAsideIfFailed(scheduled, outcome);
    } finally {
      // Only now: until its outputs are committed or set aside they are still this task's, and a
      // scope check of a task running alongside must not take them for stray changes.
      if (outcome.state === 'interrupted') leftInPlace.add(scheduled.id);
      inFlight.delete(scheduled.id);
    }
    return outcome;
  };

  /** Interrupted work stays in place for --resume; failed work is set aside. */
  const setAsideIfFailed = async (scheduled: SchedulableTask, outcome: TaskOutcome): Promise<void> => {
    if (outcome.state === 'failed') {
      const task = specs.get(scheduled.id) as TaskSpec;
      const destination = path.join(deps.failedOutputsDir, task.id);
      const violation = violations.get(task.id);
      if (violation && violation.outOfScope.length > 0) {
        const strayDir = path.join(destination, 'out-of-scope');
        const moved = await deps.commitQueue.run(() => setAsideChanges(deps.workspaceDir, violation.outOfScope, strayDir, redactedCopy(deps.env)));
        deps.emit({
          type: 'run:notice',
          at: at(),
          level: 'warn',
          task: task.id,
          message: `${task.id} changed files outside its outputs (${moved.join(', ')}): copied to ${strayDir} and restored in the workspace`,
        });
      }
      const moved = await deps.commitQueue.run(() => setAsideOutputs(deps.workspaceDir, task.outputs, destination, redactedCopy(deps.env)));
      if (moved.length > 0) {
        deps.emit({
          type: 'run:notice',
          at: at(),
          level: 'warn',
          task: task.id,
          message: `${task.id} failed: its uncommitted outputs (${moved.join(', ')}) were moved to ${destination} and the workspace restored`,
        });
      }
    }
  };

  return runScheduled;
}
