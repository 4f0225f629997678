import type { Workspace, WriteScope } from './sandbox.js';

/** What a tool call may use: the sandboxed workspace, the write scope, limits, cancellation. */
export interface ToolContext {
  workspace: Workspace;
  writeScope: WriteScope;
  /** Default Bash timeout when the call gives none. */
  bashTimeoutMs: number;
  /** Base environment for Bash; secrets are stripped from it. */
  bashEnv?: NodeJS.ProcessEnv | undefined;
  signal?: AbortSignal | undefined;
  /** Deadline of a non-Bash tool call; TOOL_DEADLINE_MS by default. */
  toolDeadlineMs?: number | undefined;
}
