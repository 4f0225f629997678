// Loads @anthropic-ai/claude-agent-sdk, an optional dependency, only when the claude-code
// provider is chosen. The few message and option shapes the runner relies on are declared
// here rather than imported, so the project type-checks and runs without the package.
import { UserError } from '../../errors.js';

export const AGENT_SDK_PACKAGE = '@anthropic-ai/claude-agent-sdk';

/** A content block as the SDK relays it from the Messages API. */
export interface SdkBlock {
  type: string;
  [key: string]: unknown;
}

export interface SdkApiUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}

/** The members of the SDK's message union this runner reads; everything else is skipped. */
export type SdkMessage =
  | { type: 'system'; subtype: string; session_id: string; [key: string]: unknown }
  | {
      type: 'assistant';
      session_id: string;
      parent_tool_use_id: string | null;
      request_id?: string;
      message: { id: string; model?: string; content: SdkBlock[]; stop_reason: string | null; usage?: SdkApiUsage };
    }
  | { type: 'stream_event'; session_id: string; parent_tool_use_id: string | null; event: { type: string; usage?: SdkApiUsage } }
  | { type: 'user'; session_id: string; parent_tool_use_id: string | null; message: { role: 'user'; content: string | SdkBlock[] } }
  | {
      type: 'result';
      subtype: string;
      session_id: string;
      is_error: boolean;
      num_turns: number;
      stop_reason?: string | null;
      result?: string;
      errors?: string[];
      total_cost_usd?: number;
    }
  | { type: string; session_id?: string };

export type PermissionDecision = { behavior: 'allow'; updatedInput?: Record<string, unknown> } | { behavior: 'deny'; message: string };

export interface SdkQueryOptions {
  cwd: string;
  model: string;
  maxTurns: number;
  systemPrompt: string[];
  tools: string[];
  allowedTools: string[];
  canUseTool: (toolName: string, input: Record<string, unknown>, options: { signal: AbortSignal }) => Promise<PermissionDecision>;
  permissionMode: 'default';
  settingSources: string[];
  env: Record<string, string | undefined>;
  abortController: AbortController;
  resume?: string;
  /** Stream events carry each reply's final usage, which the per-block assistant messages lack. */
  includePartialMessages: boolean;
  pathToClaudeCodeExecutable?: string;
  stderr?: (data: string) => void;
}

export interface AgentSdk {
  query(params: { prompt: string; options: SdkQueryOptions }): AsyncIterable<SdkMessage>;
}

let loaded: Promise<AgentSdk> | undefined;

/** The SDK module, imported once; a clear UserError when it is not installed. */
export function loadAgentSdk(): Promise<AgentSdk> {
  loaded ??= (async () => {
    // A computed specifier keeps TypeScript from requiring the optional package at build time.
    const specifier: string = AGENT_SDK_PACKAGE;
    try {
      const sdk = (await import(specifier)) as Partial<AgentSdk>;
      if (typeof sdk.query !== 'function') throw new Error(`${AGENT_SDK_PACKAGE} has no query() export`);
      return sdk as AgentSdk;
    } catch (error) {
      loaded = undefined;
      throw new UserError(
        `the claude-code provider needs the optional package ${AGENT_SDK_PACKAGE}, which could not be loaded: ${(error as Error).message}`,
        `Install it with \`npm install ${AGENT_SDK_PACKAGE}\` (it is an optionalDependency, which npm skips when told to omit optional packages), or use the anthropic or scripted provider.`,
        'provider.no-agent-sdk',
      );
    }
  })();
  return loaded;
}
