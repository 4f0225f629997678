// Bash: `bash -c` in the workspace root through the shared shell runner (own process
// group, secrets stripped, capped output), with Claude Code's timeout semantics.
import type { z } from 'zod';
import type { bashInput } from './inputSchemas.js';
import { runShellCommand, type ShellResult } from '../../util/shell.js';
import type { ToolContext } from './context.js';
import { BASH_MAX_TIMEOUT_MS } from './inputSchemas.js';
import { ToolError } from './toolError.js';

export const BASH_MAX_OUTPUT_CHARS = 30_000;

/**
 * Claude Code's timeout is in milliseconds. A value of 600 or less can only have been
 * meant as seconds (nobody asks for a sub-second command timeout), so it is read as such.
 */
export function bashTimeoutMs(requested: number | undefined, fallbackMs: number): number {
  if (requested === undefined) return Math.min(fallbackMs, BASH_MAX_TIMEOUT_MS);
  const ms = requested <= 600 ? requested * 1000 : requested;
  return Math.min(ms, BASH_MAX_TIMEOUT_MS);
}

export async function runBash(input: z.infer<typeof bashInput>, ctx: ToolContext): Promise<string> {
  const timeoutMs = bashTimeoutMs(input.timeout, ctx.bashTimeoutMs);
  let result: ShellResult;
  try {
    result = await runShellCommand(input.command, {
      cwd: ctx.workspace.root,
      timeoutMs,
      maxOutputChars: BASH_MAX_OUTPUT_CHARS,
      signal: ctx.signal,
      env: ctx.bashEnv,
    });
  } catch (error) {
    throw new ToolError(`Could not start bash: ${(error as Error).message}`);
  }
  const output = result.output.trimEnd() || '(no output)';
  if (result.timedOut) {
    throw new ToolError(`${output}\n[killed: the command ran longer than its timeout of ${timeoutMs} ms]`);
  }
  if (ctx.signal?.aborted) throw new ToolError(`${output}\n[killed: the session was aborted]`);
  if (result.exitCode !== 0) throw new ToolError(`${output}\n[exit code ${result.exitCode ?? 'none (killed by a signal)'}]`);
  return output;
}
