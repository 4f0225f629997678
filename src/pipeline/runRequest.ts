// The first step of a run: load the project and check the request against it (tasks,
// concurrency, prices and budget), before anything on disk is touched.
import type { AgentDefinition, TaskGraph } from '../config/types.js';
import { LIST_PRICES, PriceBook } from '../cost/index.js';
import { loadProject } from '../config/index.js';
import { ConfigError, UserError } from '../errors.js';
import { analyzeGraph, type GraphAnalysis } from '../graph/index.js';
import { defaultConcurrency } from '../scheduler/index.js';
import { assertBudgetEnforceable } from './budgetCheck.js';
import type { RunOptions } from './options.js';
import { assertKnownTasks } from './scope.js';

export interface RunRequest {
  graph: TaskGraph;
  agents: Map<string, AgentDefinition>;
  analysis: GraphAnalysis;
  concurrency: number;
  prices: PriceBook;
}

export async function checkRunRequest(options: RunOptions): Promise<RunRequest> {
  const { graph, agents, problems } = await loadProject({ graphFile: options.graphFile, agentsDir: options.agentsDir });
  if (!graph || problems.some((p) => p.severity === 'error')) throw new ConfigError(problems);
  if (options.resume && options.tasks?.length) {
    throw new UserError('a resumed run cannot also select tasks', 'Resume the run first, then rerun single tasks.', 'run.resume-with-tasks');
  }
  // Before the lock and the workspace: a typo must not `git init` a fresh workspace.
  if (options.tasks?.length) assertKnownTasks(graph, options.tasks);
  const analysis = analyzeGraph(graph);
  const concurrency = options.concurrency ?? defaultConcurrency(analysis.width);
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new UserError(`concurrency must be a whole number of at least 1, not ${concurrency}`, undefined, 'run.concurrency');
  }
  const prices = new PriceBook([LIST_PRICES, graph.defaults.pricing ?? {}, options.prices ?? {}]);
  assertBudgetEnforceable(options, graph, agents, prices);
  return { graph, agents, analysis, concurrency, prices };
}
