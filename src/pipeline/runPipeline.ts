// The library entry point for a run: load and check the project, prepare the workspace,
// decide the scope, then let the scheduler drive one agent session per task while the
// event subscribers record everything. The CLI is a thin layer over this function.
import { existsSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { createProvider } from '../agent/index.js';
import { BudgetGuard, CostMeter, LIST_PRICES, PriceBook } from '../cost/index.js';
import { loadProject } from '../config/index.js';
import { ConfigError, UserError } from '../errors.js';
import { RunEventBus } from '../events/index.js';
import type { CommitInfo, RunEvent } from '../events/types.js';
import { analyzeGraph } from '../graph/index.js';
import { writeHtmlSummary } from '../report/index.js';
import { defaultConcurrency, executeGraph } from '../scheduler/index.js';
import { resolvePython } from '../verify/python.js';
import {
  acquireWorkspaceLock,
  assertCleanWorkspace,
  CommitQueue,
  findTaskCommits,
  gitRaw,
  headSha,
  LOCK_FILE_NAME,
  prepareWorkspace,
  ScopeGuard,
} from '../workspace/index.js';
import { assertBudgetEnforceable } from './budgetCheck.js';
import { attachRecorders } from './recorders.js';
import { loadResumePoint } from './resume.js';
import type { RunOptions, RunSummary } from './options.js';
import { newRunId } from './runId.js';
import { assertKnownTasks, selectTasks, type RunScope } from './scope.js';
import { buildSharedContext } from './sharedContext.js';
import { findEditedLeftovers } from './resumeEdits.js';
import { assertUsableDirectory } from './usableDirectory.js';
import { createTaskRunner, type TaskCommitRef } from './taskRunner.js';
import { toolIsolation } from '../util/toolIsolation.js';

export async function runPipeline(options: RunOptions): Promise<RunSummary> {
  const now = options.now ?? (() => new Date());
  const env = options.env ?? process.env;
  const projectRoot = options.projectRoot ?? process.cwd();

  const { graph, agents, problems } = await loadProject({ graphFile: options.graphFile, agentsDir: options.agentsDir });
  if (!graph || problems.some((p) => p.severity === 'error')) throw new ConfigError(problems);
  if (options.resume && options.tasks?.length) {
    throw new UserError('--resume and --task cannot be combined', 'Resume the run first, then rerun single tasks.');
  }
  // Before the lock and the workspace: a typo must not `git init` a fresh workspace.
  if (options.tasks?.length) assertKnownTasks(graph, options.tasks);
  const analysis = analyzeGraph(graph);
  const concurrency = options.concurrency ?? defaultConcurrency(analysis.width);
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new UserError(`--concurrency must be a whole number of at least 1, not ${concurrency}`);
  }

  const prices = new PriceBook([LIST_PRICES, graph.defaults.pricing ?? {}, options.prices ?? {}]);
  assertBudgetEnforceable(options, graph, agents, prices);

  const workspaceDir = path.resolve(options.workspaceDir);
  const reportsDir = path.resolve(options.reportsDir);
  assertUsableDirectory(workspaceDir, 'the workspace', '--workspace');
  assertUsableDirectory(reportsDir, 'the reports directory', '--reports');
  const resumePoint = options.resume ? await loadResumePoint(reportsDir, options.resume) : undefined;
  const runId = resumePoint?.runId ?? newRunId(now());
  const runDir = path.join(reportsDir, 'runs', runId);

  await mkdir(workspaceDir, { recursive: true });
  const lock = await acquireWorkspaceLock(workspaceDir, { runId });
  // A hasty exit (a second Ctrl-C calls process.exit) skips `finally`; the lock still goes.
  const releaseOnExit = (): void => lock.releaseSync();
  process.on('exit', releaseOnExit);
  const provider = await createProviderOrRelease(options, env, graph.dir, async () => {
    process.off('exit', releaseOnExit);
    await lock.release();
  });
  try {
    await assertUsableWorkspace(workspaceDir);
    if (existsSync(path.join(workspaceDir, '.git'))) {
      // On resume, what the unfinished tasks' agents had written is the run's own work in progress.
      const expected = resumePoint ? graph.tasks.filter((t) => resumePoint.unfinished.includes(t.id)).flatMap((t) => t.outputs) : [];
      // No commit yet: a run was killed while preparing the workspace; what it wrote is redone below.
      if ((await headSha(workspaceDir)) === null) expected.push('.gitignore', ...graph.context);
      await assertCleanWorkspace(workspaceDir, expected);
    }
    // allowDirty: checked just above, with the resumed run's own leftovers allowed; a second,
    // stricter check in prepareWorkspace would refuse every resume of a killed session.
    await prepareWorkspace({
      dir: workspaceDir,
      contextSourceDir: path.join(graph.dir, 'context'),
      contextFiles: graph.context,
      graphName: graph.name,
      runId,
      allowDirty: true,
    });

    const taskCommits = new Map<string, TaskCommitRef>();
    for (const [taskId, commits] of await findTaskCommits(workspaceDir)) {
      const latest = commits[0];
      if (latest) taskCommits.set(taskId, { sha: latest.sha, inputHash: latest.inputHash, runId: latest.runId });
    }

    let scope: RunScope = { initial: {}, forced: new Set() };
    if (options.tasks?.length) scope = selectTasks(graph, analysis, options.tasks, options.downstream ?? false, taskCommits);
    const recoveredCommits: string[] = [];
    const histories = new Map<string, import('@anthropic-ai/sdk').default.MessageParam[]>();
    const sessionIds = new Map<string, string>();
    if (resumePoint) {
      Object.assign(scope.initial, resumePoint.settled);
      // A task committed by this run whose state write was lost when the process died is done:
      // committing it again would duplicate it.
      for (const [taskId, ref] of taskCommits) {
        if (ref.runId === runId && !scope.initial[taskId]) {
          scope.initial[taskId] = 'succeeded';
          recoveredCommits.push(taskId);
        }
      }
      // Read before histories(), which sets aside transcripts that have nothing to continue.
      const recordedSessions = await resumePoint.sessionIds();
      for (const [taskId, history] of await resumePoint.histories(graph, workspaceDir)) {
        if (scope.initial[taskId]) continue;
        histories.set(taskId, history);
        const sessionId = recordedSessions.get(taskId);
        if (sessionId) sessionIds.set(taskId, sessionId);
      }
    }

    // Hand edits to what an interrupted agent left behind: said out loud, and marked in the commit.
    const editedLeftovers = resumePoint
      ? await findEditedLeftovers(workspaceDir, graph, resumePoint.state, resumePoint.unfinished, path.join(runDir, 'events.ndjson'))
      : [];

    const bus = new RunEventBus();
    const recorders = attachRecorders(bus, {
      runDir,
      ...(options.progress ? { progress: options.progress } : {}),
      ...(resumePoint ? { resumedState: resumePoint.state } : {}),
    });
    if (options.onEvent) bus.on(options.onEvent);
    // Every event with usage is followed at once by its price (and, past a limit, a notice),
    // so each subscriber sees a turn and its cost in that order.
    const meter = new CostMeter(prices, resumePoint?.state);
    const budget = new BudgetGuard(meter, { maxCostUsd: options.maxCostUsd, maxTokensPerTask: options.maxTokensPerTask }, `flux-triton run --resume ${runId}`);
    const emit = (event: RunEvent): void => {
      bus.emit(event);
      const cost = meter.observe(event);
      if (!cost) return;
      bus.emit(cost);
      const notice = budget.observe(cost);
      if (notice) bus.emit(notice);
    };

    emit({
      type: 'run:start',
      at: now().toISOString(),
      runId,
      graph: graph.file,
      graphName: graph.name,
      provider: provider.kind,
      concurrency,
      tasks: graph.tasks.map((t) => ({ id: t.id, title: t.title, phase: t.phase, agent: t.agent, needs: t.needs })),
      phases: graph.phases.map((p) => ({ id: p.id, title: p.title })),
      ...(resumePoint ? { resumedFrom: runId } : {}),
    });

    emit({ type: 'run:notice', at: now().toISOString(), level: 'info', message: provider.describe() });
    emit({ type: 'run:notice', at: now().toISOString(), level: 'info', message: toolIsolation().description });
    // Commits the killed process made but never recorded: put them in this run's state.
    for (const taskId of recoveredCommits) {
      const ref = taskCommits.get(taskId) as TaskCommitRef;
      emit({ type: 'task:commit', at: now().toISOString(), task: taskId, commit: await describeCommit(workspaceDir, ref.sha) });
    }
    for (const edited of editedLeftovers) emit({ type: 'run:notice', at: now().toISOString(), level: 'warn', task: edited.task, message: edited.message });
    // A lock left by a killed run was cleared on the way in; say so rather than do it silently.
    if (lock.staleLockCleared) emit({ type: 'run:notice', at: now().toISOString(), level: 'warn', message: lock.staleLockCleared.message });

    const runTask = createTaskRunner({
      graph,
      agents,
      workspaceDir,
      runId,
      provider,
      sharedContext: await buildSharedContext(graph),
      cliModel: options.model,
      python: resolvePython(env, projectRoot),
      env,
      commitQueue: new CommitQueue(workspaceDir),
      scopeGuard: await ScopeGuard.open(workspaceDir),
      editedOnResume: new Set(editedLeftovers.map((e) => e.task)),
      taskCommits,
      histories,
      sessionIds,
      force: options.force ?? false,
      failedOutputsDir: path.join(runDir, 'failed'),
      forced: scope.forced,
      emit,
      now,
      stopBeforeTurn: (task) => budget.stopReason(task),
    });

    let result: Awaited<ReturnType<typeof executeGraph>>;
    try {
      result = await executeGraph({
        tasks: graph.tasks, // the executor orders them itself (topological, then phase, then file order)
        phases: graph.phases.map((p) => p.id),
        concurrency,
        phaseBarriers: options.phaseBarriers ?? false,
        failFast: options.failFast ?? false,
        signal: options.signal,
        initial: scope.initial,
        runTask,
        emit,
        now,
        holdBeforeStart: () => budget.runLimitReason(),
      });
      emit({ type: 'run:end', at: now().toISOString(), runId, status: result.status });
    } catch (error) {
      // A record could not be written (or the scheduler broke): keep what can still be kept.
      await recorders.close().catch(() => undefined);
      throw error;
    }
    await recorders.close();
    await writeHtmlSummary(runDir);
    return {
      runId,
      status: result.status,
      // A spending limit that stopped work: the CLI reports it as a failure to finish, not a Ctrl-C.
      stoppedByBudget: budget.stoppedWork && result.status !== 'succeeded',
      tasks: result.states,
      runDir,
      workspaceDir,
      provider: provider.kind,
    };
  } finally {
    await provider.close();
    await lock.release();
    process.off('exit', releaseOnExit);
  }
}

async function describeCommit(dir: string, sha: string): Promise<CommitInfo> {
  const message = (await gitRaw(dir, ['show', '-s', '--format=%B', sha])).trim();
  const files = (await gitRaw(dir, ['show', '--name-only', '--format=', sha])).split('\n').filter(Boolean);
  return { sha, message, files };
}

/** A folder that is not yet a git repository must be empty (but for our lock), so nothing in it is overwritten. */
async function assertUsableWorkspace(dir: string): Promise<void> {
  if (existsSync(path.join(dir, '.git'))) return;
  const entries = (await readdir(dir)).filter((name) => name !== LOCK_FILE_NAME && name !== '.gitkeep');
  if (entries.length > 0) {
    throw new UserError(
      `the workspace ${dir} is not a git repository and is not empty (${entries.slice(0, 5).join(', ')}${entries.length > 5 ? ', …' : ''})`,
      'Point --workspace at an empty folder or at a workspace flux-triton created.',
    );
  }
}

async function createProviderOrRelease(
  options: RunOptions,
  env: NodeJS.ProcessEnv,
  graphDir: string,
  release: () => Promise<void>,
): ReturnType<typeof createProvider> {
  try {
    return await createProvider({
      kind: options.provider,
      offline: options.offline,
      // Offline Claude Code sessions live beside the runs, so --resume finds them.
      claudeCodeHome: path.resolve(options.reportsDir, 'claude-code'),
      env,
      scriptsDir: path.join(graphDir, 'scripted'),
      goldenDir: path.join(graphDir, 'golden'),
      faults: options.scriptedFaults,
      latency: options.scriptedLatency,
    });
  } catch (error) {
    await release();
    throw error;
  }
}
