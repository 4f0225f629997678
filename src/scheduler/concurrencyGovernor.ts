// Lowers the run's concurrency for a while when the API keeps answering 429: retrying the
// same number of parallel sessions only earns more 429s. Halving (never below 1) for a
// cooldown, then restoring the configured limit, follows the reliability rules in
// docs/design.md.
import type { GovernorTimers, RateLimitPolicy } from './types.js';

export const DEFAULT_RATE_LIMIT_THRESHOLD = 3;
export const DEFAULT_RATE_LIMIT_WINDOW_MS = 60_000;
export const DEFAULT_RATE_LIMIT_COOLDOWN_MS = 120_000;

/** Real timers, looked up at call time so test fake timers installed later still apply. */
export const systemTimers: GovernorTimers = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    // A pending restore must not keep the process alive after the run has ended.
    handle.unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface ConcurrencyGovernorOptions extends RateLimitPolicy {
  /** The configured limit; restored after the cooldown. A whole number >= 1, or Infinity. */
  concurrency: number;
  /** Applies a new limit (the executor sets its queue's concurrency). */
  setConcurrency(limit: number): void;
  notice(level: 'info' | 'warn', message: string, task?: string): void;
  /** Runs in flight now; used only to halve an unlimited (Infinity) concurrency. */
  inFlight?(): number;
}

export class ConcurrencyGovernor {
  readonly #options: ConcurrencyGovernorOptions;
  readonly #timers: GovernorTimers;
  readonly #threshold: number;
  readonly #windowMs: number;
  readonly #cooldownMs: number;
  #limit: number;
  #recentReports: number[] = [];
  #restoreTimer: unknown;
  #disposed = false;

  constructor(options: ConcurrencyGovernorOptions) {
    this.#options = options;
    this.#timers = options.timers ?? systemTimers;
    this.#threshold = options.threshold ?? DEFAULT_RATE_LIMIT_THRESHOLD;
    this.#windowMs = options.windowMs ?? DEFAULT_RATE_LIMIT_WINDOW_MS;
    this.#cooldownMs = options.cooldownMs ?? DEFAULT_RATE_LIMIT_COOLDOWN_MS;
    this.#limit = options.concurrency;
  }

  /** The limit in force now. */
  get limit(): number {
    return this.#limit;
  }

  reportRateLimited(taskId: string): void {
    if (this.#disposed) return;
    const now = this.#timers.now();
    this.#recentReports = this.#recentReports.filter((at) => now - at < this.#windowMs);
    this.#recentReports.push(now);
    if (this.#recentReports.length < this.#threshold) return;
    // One burst counts once: the next reduction needs a fresh run of reports.
    this.#recentReports = [];
    this.#lower(taskId);
  }

  /** Cancels a pending restore; later reports are ignored. Call when the run ends. */
  dispose(): void {
    this.#disposed = true;
    this.#cancelRestore();
  }

  #lower(taskId: string): void {
    const from = Number.isFinite(this.#limit) ? this.#limit : Math.max(1, this.#options.inFlight?.() ?? 1);
    const to = Math.max(1, Math.floor(from / 2));
    const seconds = Math.round(this.#cooldownMs / 1000);
    if (to < this.#limit) {
      this.#limit = to;
      this.#options.setConcurrency(to);
      this.#options.notice('warn', `lowered concurrency from ${from} to ${to} for ${seconds} s after repeated 429s`, taskId);
    }
    // Already at the floor: no new notice, but the cooldown starts over.
    this.#cancelRestore();
    if (this.#limit === this.#options.concurrency) return;
    this.#restoreTimer = this.#timers.setTimeout(() => this.#restore(seconds), this.#cooldownMs);
  }

  #restore(seconds: number): void {
    this.#restoreTimer = undefined;
    if (this.#disposed) return;
    const configured = this.#options.concurrency;
    this.#limit = configured;
    this.#options.setConcurrency(configured);
    const target = Number.isFinite(configured) ? String(configured) : 'unlimited';
    this.#options.notice('info', `restored concurrency to ${target} after a ${seconds} s cooldown`);
  }

  #cancelRestore(): void {
    if (this.#restoreTimer === undefined) return;
    this.#timers.clearTimeout(this.#restoreTimer);
    this.#restoreTimer = undefined;
  }
}
