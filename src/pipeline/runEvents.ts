// The run's event wiring: one bus, the recorders that write reports/runs/<runId>/, the
// caller's listener, and the price (and budget notice) that follows each turn's usage.
// announceRun then says what the run is, before the first task starts.
import type { Provider } from '../agent/index.js';
import type { TaskGraph } from '../config/types.js';
import { BudgetGuard, CostMeter, type PriceBook } from '../cost/index.js';
import { RunEventBus } from '../events/index.js';
import type { CommitInfo, RunEvent } from '../events/types.js';
import type { WorkspaceLock } from '../workspace/index.js';
import { gitRaw } from '../workspace/index.js';
import type { RunOptions } from './options.js';
import { attachRecorders } from './recorders.js';
import type { ResumePlan } from './resume/index.js';
import type { TaskCommitRef } from './taskRunner.js';
import { toolIsolation } from '../util/toolIsolation.js';

export interface RunEvents {
  emit(event: RunEvent): void;
  budget: BudgetGuard;
  /** Flushes and closes every recorder; a write that failed surfaces here. */
  close(): Promise<void>;
}

export function wireRunEvents(options: RunOptions, runId: string, runDir: string, prices: PriceBook, resume: ResumePlan): RunEvents {
  const bus = new RunEventBus();
  const recorders = attachRecorders(bus, {
    runDir,
    ...(options.progress ? { progress: options.progress } : {}),
    ...(resume.state ? { resumedState: resume.state } : {}),
  });
  if (options.onEvent) bus.on(options.onEvent);
  // Every event with usage is followed at once by its price (and, past a limit, a notice),
  // so each subscriber sees a turn and its cost in that order.
  const meter = new CostMeter(prices, resume.state);
  const budget = new BudgetGuard(meter, { maxCostUsd: options.maxCostUsd, maxTokensPerTask: options.maxTokensPerTask }, runId);
  const emit = (event: RunEvent): void => {
    bus.emit(event);
    const cost = meter.observe(event);
    if (!cost) return;
    bus.emit(cost);
    const notice = budget.observe(cost);
    if (notice) bus.emit(notice);
  };
  return { emit, budget, close: () => recorders.close() };
}

export interface RunAnnouncement {
  runId: string;
  graph: TaskGraph;
  provider: Provider;
  concurrency: number;
  workspaceDir: string;
  lock: WorkspaceLock;
  resumed: boolean;
  resume: ResumePlan;
  taskCommits: ReadonlyMap<string, TaskCommitRef>;
  now: () => Date;
}

export async function announceRun(emit: (event: RunEvent) => void, run: RunAnnouncement): Promise<void> {
  const { graph, now } = run;
  emit({
    type: 'run:start',
    at: now().toISOString(),
    runId: run.runId,
    graph: graph.file,
    graphName: graph.name,
    provider: run.provider.kind,
    concurrency: run.concurrency,
    tasks: graph.tasks.map((t) => ({ id: t.id, title: t.title, phase: t.phase, agent: t.agent, needs: t.needs })),
    phases: graph.phases.map((p) => ({ id: p.id, title: p.title })),
    ...(run.resumed ? { resumedFrom: run.runId } : {}),
  });
  emit({ type: 'run:notice', at: now().toISOString(), level: 'info', message: run.provider.describe() });
  // Whether tools and verify commands run in their own PID namespace (no ancestor's environment visible).
  emit({ type: 'run:notice', at: now().toISOString(), level: 'info', message: toolIsolation().description });
  // Commits the killed process made but never recorded: put them in this run's state.
  for (const taskId of run.resume.recoveredCommits) {
    const ref = run.taskCommits.get(taskId) as TaskCommitRef;
    emit({ type: 'task:commit', at: now().toISOString(), task: taskId, commit: await describeCommit(run.workspaceDir, ref.sha) });
  }
  for (const edited of run.resume.editedLeftovers)
    emit({ type: 'run:notice', at: now().toISOString(), level: 'warn', task: edited.task, message: edited.message });
  // A lock left by a killed run was cleared on the way in; say so rather than do it silently.
  if (run.lock.staleLockCleared) emit({ type: 'run:notice', at: now().toISOString(), level: 'warn', message: run.lock.staleLockCleared.message });
}

async function describeCommit(dir: string, sha: string): Promise<CommitInfo> {
  const message = (await gitRaw(dir, ['show', '-s', '--format=%B', sha])).trim();
  const files = (await gitRaw(dir, ['show', '--name-only', '--format=', sha])).split('\n').filter(Boolean);
  return { sha, message, files };
}
