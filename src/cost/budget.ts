// Spending limits, checked at every turn boundary: `--max-cost USD` for the whole run
// (resumed spend included) and `--max-tokens-per-task N`. Once a limit is reached no new
// turn starts; the session stops before its next request and the task is recorded
// `interrupted`, so `run --resume` (with a higher limit) continues it.
import type { RunEvent } from '../events/types.js';
import type { CostMeter } from './costMeter.js';

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
    /** The command that continues this run, for the notices. */
    private readonly resumeCommand: string,
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
    return `cost budget reached: $${spent.toFixed(4)} spent of --max-cost $${maxCostUsd}`;
  }

  #taskLimit(task: string): string | undefined {
    const { maxTokensPerTask } = this.limits;
    const tokens = this.meter.taskTokens(task);
    if (maxTokensPerTask === undefined || tokens < maxTokensPerTask) return undefined;
    return `token budget reached: ${tokens} tokens used of --max-tokens-per-task ${maxTokensPerTask}`;
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
        message: `Cost budget reached: $${spent.toFixed(4)} spent of --max-cost $${maxCostUsd}. No new task or turn starts; running sessions stop at their next turn boundary and are recorded interrupted. Continue with: ${this.resumeCommand} --max-cost <higher>`,
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
        message: `${event.task}: token budget reached (${tokens} of --max-tokens-per-task ${maxTokensPerTask}); it stops at its next turn boundary. Continue with: ${this.resumeCommand} --max-tokens-per-task <higher>`,
      };
    }
    return undefined;
  }
}
