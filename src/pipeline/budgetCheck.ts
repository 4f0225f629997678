// Checked before a run starts: a cost limit the runner could not keep is refused.
import { resolveModel } from '../agent/index.js';
import type { AgentDefinition, TaskGraph } from '../config/types.js';
import type { PriceBook } from '../cost/index.js';
import { UserError } from '../errors.js';
import type { RunOptions } from './options.js';

/** A budget is only a promise when every task's model has a price; refuse before anything runs. */
export function assertBudgetEnforceable(options: RunOptions, graph: TaskGraph, agents: Map<string, AgentDefinition>, prices: PriceBook): void {
  if (options.maxCostUsd === undefined) return;
  const unpriced = new Set<string>();
  for (const task of graph.tasks) {
    const agent = agents.get(task.agent);
    const model = resolveModel({ cli: options.model, task: task.model, agent: agent?.model, defaults: graph.defaults.model });
    if (!prices.priceOf(model)) unpriced.add(model);
  }
  if (unpriced.size > 0) {
    throw new UserError(
      `the run's cost limit cannot be enforced: no price for model ${[...unpriced].join(', ')}`,
      'Give its prices in the graph (defaults.pricing) or in a price file, e.g. `my-model: { input: 2, output: 10, cacheWrite: 2.5, cacheRead: 0.1 }`.',
      'budget.unpriced-model',
    );
  }
}
