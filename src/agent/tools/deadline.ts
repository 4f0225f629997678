// No tool call may hold a session forever: whatever the filesystem does (a hung network
// mount, a FIFO, a directory tree without end), the call ends at its deadline or when the
// run is aborted, and the model gets a tool error saying which.
import { ToolError } from './toolError.js';

/** Deadline for tools other than Bash (whose own timeout, plus a grace, applies). */
export const TOOL_DEADLINE_MS = 120_000;
/** How long past its own timeout a Bash call may take to be killed and collected. */
export const BASH_DEADLINE_GRACE_MS = 15_000;

/**
 * On abort, a call gets this long to finish before it is abandoned: a Write under way
 * should land (or not) before the session records it, not be reported abandoned while
 * it may still complete; a call that hangs is let go soon after.
 */
export const ABORT_GRACE_MS = 2_000;

export function withDeadline<T>(
  work: Promise<T>,
  options: { tool: string; deadlineMs: number; signal?: AbortSignal | undefined; abortGraceMs?: number },
): Promise<T> {
  const { tool, deadlineMs, signal } = options;
  const abortGraceMs = options.abortGraceMs ?? ABORT_GRACE_MS;
  if (signal?.aborted) return Promise.reject(new ToolError(`${tool} was not run: the session was aborted.`));
  return new Promise<T>((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer);
      clearTimeout(graceTimer);
      signal?.removeEventListener('abort', onAbort);
    };
    let graceTimer: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      graceTimer = setTimeout(() => {
        done();
        reject(new ToolError(`${tool} was abandoned: the session was aborted.`));
      }, abortGraceMs);
    };
    const timer = setTimeout(() => {
      done();
      reject(new ToolError(`${tool} did not finish within ${Math.round(deadlineMs / 1000)} s and was abandoned; try a narrower call.`));
    }, deadlineMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        done();
        resolve(value);
      },
      (error: unknown) => {
        done();
        reject(error);
      },
    );
  });
}
