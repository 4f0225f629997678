// The scheduler's part of a run, and the records it leaves: run:end, then every recorder
// closed (where a failed state or log write surfaces), then the HTML summary.
import type { TaskGraph } from '../config/types.js';
import { writeHtmlSummary } from '../report/index.js';
import { executeGraph } from '../scheduler/index.js';
import type { RunOptions } from './options.js';
import type { RunEvents } from './runEvents.js';
import type { RunScope } from './scope.js';
import type { createTaskRunner } from './taskRunner.js';

export type GraphResult = Awaited<ReturnType<typeof executeGraph>>;

export async function executeRun(
  options: RunOptions,
  run: { runId: string; runDir: string; graph: TaskGraph; concurrency: number; scope: RunScope; now: () => Date },
  events: RunEvents,
  runTask: ReturnType<typeof createTaskRunner>,
): Promise<GraphResult> {
  const { emit, budget } = events;
  let result: GraphResult;
  try {
    result = await executeGraph({
      tasks: run.graph.tasks, // the executor orders them itself (topological, then phase, then file order)
      phases: run.graph.phases.map((p) => p.id),
      concurrency: run.concurrency,
      phaseBarriers: options.phaseBarriers ?? false,
      failFast: options.failFast ?? false,
      signal: options.signal,
      initial: run.scope.initial,
      runTask,
      emit,
      now: run.now,
      holdBeforeStart: () => budget.runLimitReason(),
    });
    emit({ type: 'run:end', at: run.now().toISOString(), runId: run.runId, status: result.status });
  } catch (error) {
    // A record could not be written (or the scheduler broke): keep what can still be kept.
    await events.close().catch(() => undefined);
    throw error;
  }
  await events.close();
  await writeHtmlSummary(run.runDir);
  return result;
}
