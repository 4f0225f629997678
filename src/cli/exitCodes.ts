// Exit codes, defined once. Library functions return results (a run's status, a check's
// findings) or throw typed errors; only the CLI turns those into these numbers.
import type { RunStatus } from '../events/types.js';

export const EXIT = { ok: 0, failed: 1, usage: 2, internal: 70, recordWrite: 74, interrupted: 130 } as const;

/** The line every `--help` ends with (README "Exit codes" says the same). */
export const EXIT_CODES_HELP =
  'Exit codes: 0 all succeeded or cached · 1 a task failed or was blocked, or a spending limit paused the run (check: a finding is an error) · 2 bad config or usage · 70 internal error (a bug: please report it) · 130 interrupted';

/** A finished run's exit code; `running` means the run stopped early without a clean end. */
export function exitCodeForRun(status: RunStatus): number {
  switch (status) {
    case 'succeeded':
      return EXIT.ok;
    case 'interrupted':
      return EXIT.interrupted;
    case 'failed':
    case 'running':
      return EXIT.failed;
  }
}
