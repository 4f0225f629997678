// Error classes shared by every module. The CLI's single error boundary maps them to
// exit codes: UserError and ConfigError are the user's to fix (exit 2, no stack trace);
// anything else is a bug in flux-triton and says so.

export abstract class FluxTritonError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad usage: unknown flag, missing argument, a request that cannot be honoured. */
export class UserError extends FluxTritonError {
  constructor(
    message: string,
    /** One line telling the user what to do instead. */
    readonly hint?: string,
    /** Stable identifier (e.g. `workspace.locked`) the CLI keys its flag advice on. */
    readonly code?: string,
  ) {
    super(message);
  }
}

/** Invalid agent definitions or task graph; carries every problem, not just the first. */
export class ConfigError extends FluxTritonError {
  constructor(readonly problems: import('./config/types.js').ConfigProblem[]) {
    super(`${problems.filter((p) => p.severity === 'error').length} configuration problem(s)`);
  }
}

/** The run was interrupted (Ctrl-C / abort). */
export class InterruptedError extends FluxTritonError {}

/**
 * A record the run depends on (state.json, events.ndjson, a transcript) could not be
 * written: a full disk, an unwritable or deleted reports directory. The run stops at once,
 * because going on would commit work that resume cannot account for.
 */
export class RecordWriteError extends FluxTritonError {
  constructor(
    /** What could not be written, e.g. "the state file reports/runs/X/state.json". */
    readonly record: string,
    cause: unknown,
  ) {
    super(`cannot write ${record}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}
