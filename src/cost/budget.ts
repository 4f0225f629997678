// Spending limits, checked at every turn boundary: a cost limit in USD for the whole run
// (resumed spend included) and a token limit per task. Once a limit is reached no new
// turn starts; the session stops before its next request and the task is recorded
// `interrupted`, so resuming the run (with a higher limit) continues it. The messages say
// so in the library's terms; the notices carry a code (BUDGET_NOTICE) for a caller such
// as the CLI to add how (its flags).
import type { RunEvent } from '../events/types.js';
import type { CostMeter } from './costMeter.js';

/** The codes of the notices a reached limit gives, one per kind of limit. */
export const BUDGET_NOTICE = { cost: 'budget.cost-reached', tokens: 'budget.tokens-reached' } as const;

export interface BudgetLimits {
  /** USD for the whole run, including what a resumed run already spent. */
  maxCostUsd?: number | undefined;
  /** Tokens of every kind (input, output, cache write, cache read) per task. */
  maxTokensPerTask?: number | undefined;
}

export class BudgetGuard {
  #runLimitNoticed = false;
  readonly #taskLimitNoticed = new Set<string>();
  #stops = 0;

  constructor(
    private readonly meter: CostMeter,
    private readonly limits: BudgetLimits,
    /** The run a resume continues, for the notices. */
    private readonly runId: string,
  ) {}

  /** True once a limit stopped a turn from starting: the run then exits 1. */
  get stoppedWork(): boolean {
    return this.#stops > 0;
  }

  /** Why `task` may not start another turn, or undefined when it may. */
  stopReason(task: string): string | undefined {
    const reason = this.#runLimit() ?? this.#taskLimit(task);
    if (reason !== undefined) this.#stops++;
    return reason;
  }

  /** Why no further task may start: the run-wide cost limit (a task's token limit applies to its own turns). */
  runLimitReason(): string | undefined {
    const reason = this.#runLimit();
    if (reason === undefined) return undefined;
    this.#stops++;
    return `not started: ${reason}`;
  }

  #runLimit(): string | undefined {
    const { maxCostUsd } = this.limits;
    const spent = this.meter.runCostUsd;
    if (maxCostUsd === undefined || spent === null || spent < maxCostUsd) return undefined;
    return `cost budget reached: $${spent.toFixed(4)} spent of the run's cost limit $${maxCostUsd}`;
  }

  #taskLimit(task: string): string | undefined {
    const { maxTokensPerTask } = this.limits;
    const tokens = this.meter.taskTokens(task);
    if (maxTokensPerTask === undefined || tokens < maxTokensPerTask) return undefined;
    return `token budget reached: ${tokens} tokens used of the per-task token limit ${maxTokensPerTask}`;
  }

  /** A notice the first time a cost event takes the run (or a task) over its limit. */
  observe(event: RunEvent): Extract<RunEvent, { type: 'run:notice' }> | undefined {
    if (event.type !== 'task:cost') return undefined;
    const { maxCostUsd, maxTokensPerTask } = this.limits;
    const spent = this.meter.runCostUsd;
    if (maxCostUsd !== undefined && !this.#runLimitNoticed && spent !== null && spent >= maxCostUsd) {
      this.#runLimitNoticed = true;
      return {
        type: 'run:notice',
        at: event.at,
        level: 'warn',
        code: BUDGET_NOTICE.cost,
        message: `Cost budget reached: $${spent.toFixed(4)} spent of the run's cost limit $${maxCostUsd}. No new task or turn starts; running sessions stop at their next turn boundary and are recorded interrupted. Continue by resuming run ${this.runId} with a higher cost limit.`,
      };
    }
    const tokens = this.meter.taskTokens(event.task);
    if (maxTokensPerTask !== undefined && !this.#taskLimitNoticed.has(event.task) && tokens >= maxTokensPerTask) {
      this.#taskLimitNoticed.add(event.task);
      return {
        type: 'run:notice',
        at: event.at,
        level: 'warn',
        task: event.task,
        code: BUDGET_NOTICE.tokens,
        message: `${event.task}: token budget reached (${tokens} of the per-task token limit ${maxTokensPerTask}); it stops at its next turn boundary. Continue by resuming run ${this.runId} with a higher per-task token limit.`,
      };
    }
    return undefined;
  }
}
