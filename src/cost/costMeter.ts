// Prices every turn as it is reported: one place turns usage into money. It observes the
// run's events and answers each `task:turn` (and a turnless `task:usage`) with a
// `task:cost` event, which the state reducer adds up per turn, task, phase and run; every
// report and the progress view read `costUsd` from there. It also keeps the running
// totals a budget needs, including what a resumed run had already spent.
import type { Usage } from '../agent/types.js';
import type { RunState } from '../events/runState.js';
import type { RunEvent } from '../events/types.js';
import { addCost, type PriceBook } from './priceBook.js';

export class CostMeter {
  #runCost: number | null = 0;
  readonly #taskTokens = new Map<string, number>();
  readonly #tasksWithTurns = new Set<string>();

  constructor(
    private readonly prices: PriceBook,
    resumed?: RunState,
  ) {
    if (!resumed) return;
    for (const task of Object.values(resumed.tasks)) {
      this.#taskTokens.set(task.id, totalTokens(task.usage));
      this.#runCost = addCost(this.#runCost, task.costUsd === undefined ? (task.turns > 0 ? null : 0) : task.costUsd);
    }
  }

  /** USD spent so far (this run and the run it resumes); null when some of it was unpriced. */
  get runCostUsd(): number | null {
    return this.#runCost;
  }

  /** Tokens of every kind a task has used so far (as the `Tokens` commit trailer counts them). */
  taskTokens(task: string): number {
    return this.#taskTokens.get(task) ?? 0;
  }

  /** The cost event that follows `event`, if it carries usage to price. */
  observe(event: RunEvent): Extract<RunEvent, { type: 'task:cost' }> | undefined {
    if (event.type === 'task:turn') {
      this.#tasksWithTurns.add(event.task);
      return this.#price(event.at, event.task, event.turn.turn, event.turn.model, event.turn.usage);
    }
    // Usage reported without turn events (a runner that does not stream turns) is priced once.
    if (event.type === 'task:usage' && !this.#tasksWithTurns.has(event.task) && totalTokens(event.usage) > 0) {
      this.#tasksWithTurns.add(event.task);
      return this.#price(event.at, event.task, 0, event.model, event.usage);
    }
    return undefined;
  }

  #price(at: string, task: string, turn: number, model: string, usage: Usage): Extract<RunEvent, { type: 'task:cost' }> {
    const costUsd = this.prices.costOf(model, usage);
    this.#runCost = addCost(this.#runCost, costUsd);
    this.#taskTokens.set(task, this.taskTokens(task) + totalTokens(usage));
    return { type: 'task:cost', at, task, turn, model, costUsd };
  }
}

function totalTokens(usage: Usage): number {
  return usage.inputTokens + usage.outputTokens + usage.cacheCreationInputTokens + usage.cacheReadInputTokens;
}
