// A task's token usage, summed turn by turn and reported once (task:usage) when its agent
// session is over, however it ended: the caller settles it in a `finally`, so no exit path
// can forget it or report it twice.
import type { Usage } from '../../agent/types.js';
import { addUsage, zeroUsage } from '../../agent/usage.js';
import type { RunEvent } from '../../events/types.js';

export class UsageMeter {
  #usage: Usage = zeroUsage();
  #settled = false;

  constructor(
    private readonly taskId: string,
    private readonly model: string,
    private readonly emit: (event: RunEvent) => void,
    private readonly now: () => Date,
  ) {}

  add(usage: Usage): void {
    this.#usage = addUsage(this.#usage, usage);
  }

  /** Every token the task's session used, counted once (the commit's `Tokens` trailer). */
  get totalTokens(): number {
    const u = this.#usage;
    return u.inputTokens + u.outputTokens + u.cacheCreationInputTokens + u.cacheReadInputTokens;
  }

  /** Emits task:usage the first time it is called; later calls do nothing. */
  settle(): void {
    if (this.#settled) return;
    this.#settled = true;
    this.emit({ type: 'task:usage', at: this.now().toISOString(), task: this.taskId, usage: { ...this.#usage }, model: this.model });
  }
}
