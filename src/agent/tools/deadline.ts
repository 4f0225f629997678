// No tool call may hold a session forever: whatever the filesystem does (a hung network
// mount, a FIFO, a directory tree without end), the call ends at its deadline or when the
// run is aborted, and the model gets a tool error saying which.
import { ToolError } from './toolError.js';

/** Deadline for tools other than Bash (whose own timeout, plus a grace, applies). */
export const TOOL_DEADLINE_MS = 120_000;
/** How long past its own timeout a Bash call may take to be killed and collected. */
export const BASH_DEADLINE_GRACE_MS = 15_000;

export function withDeadline<T>(work: Promise<T>, options: { tool: string; deadlineMs: number; signal?: AbortSignal | undefined }): Promise<T> {
  const { tool, deadlineMs, signal } = options;
  if (signal?.aborted) return Promise.reject(new ToolError(`${tool} was not run: the session was aborted.`));
  return new Promise<T>((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = (): void => {
      done();
      reject(new ToolError(`${tool} was abandoned: the session was aborted.`));
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
