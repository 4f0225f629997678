// One task's conversation run as a headless Claude Code session through the Agent SDK.
// Claude Code runs the tools; the runner keeps the rest: the write scope (a permission
// callback), the turn records, the usage, and the session id, so a verify failure goes
// back into the same Claude Code session (resumed by id) and `run --resume` continues it.
import type { SessionEndReason, SessionOptions, SessionOutcome, TaskSession, TurnRecord, Usage } from '../types.js';
import { addUsage, zeroUsage } from '../usage.js';
import { loadAgentSdk, type AgentSdk, type SdkMessage } from './agentSdk.js';
import { TurnFolder } from './turnFolder.js';
import { writeGuard } from './writeGuard.js';

/** How the Claude Code process is started for one task. */
export interface ClaudeCodeLaunch {
  /** The whole environment of the Claude Code process (the SDK replaces, not merges, it). */
  env: Record<string, string | undefined>;
  /** A Claude Code executable other than the one the SDK ships. */
  executable?: string | undefined;
}

export interface ClaudeCodeSessionOptions extends Omit<SessionOptions, 'client' | 'headers' | 'turnRetries' | 'maxTokensPerTurn' | 'onTransientFailure'> {
  launch: ClaudeCodeLaunch;
  /** A Claude Code session to continue (from a transcript's recorded session id). */
  resumeSessionId?: string | undefined;
  /** Turns already recorded for this task (a resumed session numbers on from them). */
  turnsSoFar?: number | undefined;
  /** For tests: the SDK to use instead of importing the optional package. */
  sdk?: AgentSdk | undefined;
}

const RESULT_REASONS: Record<string, SessionEndReason> = {
  success: 'end_turn',
  error_max_turns: 'max_turns',
  error_max_budget_usd: 'budget',
};

export class ClaudeCodeSession implements TaskSession {
  readonly #opts: ClaudeCodeSessionOptions;
  #sessionId: string | undefined;
  #turns: number;
  #usage: Usage = zeroUsage();
  #running = false;
  #lastText = '';

  constructor(opts: ClaudeCodeSessionOptions) {
    this.#opts = opts;
    this.#sessionId = opts.resumeSessionId;
    this.#turns = opts.turnsSoFar ?? 0;
  }

  /** Claude Code's id for this conversation, once the first query has started. */
  get sessionId(): string | undefined {
    return this.#sessionId;
  }

  get usage(): Usage {
    return { ...this.#usage };
  }

  async run(userMessage: string): Promise<SessionOutcome> {
    if (this.#running) throw new Error('ClaudeCodeSession.run() is already in progress for this session');
    this.#running = true;
    try {
      return await this.#query(userMessage);
    } finally {
      this.#running = false;
    }
  }

  /**
   * Continues a session restored by id after the runner stopped. Claude Code keeps the
   * conversation; it is asked to go on from where it was cut off.
   */
  async resume(): Promise<SessionOutcome> {
    if (!this.#sessionId) {
      return { reason: 'error', message: 'Nothing to resume: no Claude Code session id was recorded for this task.', turns: 0, usage: zeroUsage() };
    }
    // The model had finished before the runner stopped: verification comes next, as with the anthropic provider.
    const last = this.#opts.history?.at(-1);
    if (last?.role === 'assistant') {
      const blocks = typeof last.content === 'string' ? [{ type: 'text' as const, text: last.content }] : last.content;
      const text = blocks
        .map((block) => (block.type === 'text' ? block.text : ''))
        .join('\n')
        .trim();
      return { reason: 'end_turn', message: text, turns: 0, usage: zeroUsage() };
    }
    return this.run('The run was interrupted. Continue the task from where you stopped; when it is done, say so.');
  }

  async #query(prompt: string): Promise<SessionOutcome> {
    const opts = this.#opts;
    let usage = zeroUsage();
    let turns = 0;
    const outcome = (reason: SessionEndReason, message: string): SessionOutcome => ({ reason, message, turns, usage });
    if (opts.signal?.aborted) return outcome('aborted', 'The session was aborted.');
    const limit = opts.stopBeforeTurn?.();
    if (limit !== undefined) return outcome('spending_limit', limit);

    const sdk = opts.sdk ?? (await loadAgentSdk());
    const abort = new AbortController();
    const onAbort = (): void => abort.abort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const guard = writeGuard(opts.workspaceDir, opts.task.outputs);
    const folder = new TurnFolder(opts.task.id, opts.model, this.#turns + 1, prompt);
    let stopped: SessionOutcome | undefined;
    let stderr = '';

    const completeTurn = async (record: TurnRecord | undefined): Promise<void> => {
      if (!record) return;
      turns++;
      this.#turns = record.turn;
      usage = addUsage(usage, record.usage);
      this.#usage = addUsage(this.#usage, record.usage);
      const text = record.assistant
        .map((block) => (block.type === 'text' ? block.text : ''))
        .join('\n')
        .trim();
      if (text !== '') this.#lastText = text;
      if (this.#sessionId) record.sessionId = this.#sessionId;
      await opts.onTurn?.(record);
      // Limits the runner sets are checked between turns, as the anthropic provider does.
      if (stopped || record.toolResults.length === 0) return;
      const reason = opts.stopBeforeTurn?.();
      if (reason !== undefined) stopped = outcome('spending_limit', reason);
      else if (opts.tokenBudget !== undefined && this.#usage.outputTokens >= opts.tokenBudget) {
        stopped = outcome('budget', `Stopped: the output-token budget (${opts.tokenBudget}) is spent (${this.#usage.outputTokens} used).`);
      }
      if (stopped) abort.abort();
    };

    let result: Extract<SdkMessage, { type: 'result' }> | undefined;
    try {
      const messages = sdk.query({
        prompt,
        options: {
          cwd: opts.workspaceDir,
          model: opts.model,
          maxTurns: opts.maxTurns,
          systemPrompt: [opts.sharedContext, opts.agent.prompt].filter((part) => part !== ''),
          // The agent file's tools are the whole tool set; writes still pass the guard below.
          tools: [...opts.agent.tools],
          // Nothing pre-approved: every call that needs permission reaches the guard, which
          // allows all but out-of-scope writes (a pre-approved tool would bypass it).
          allowedTools: [],
          canUseTool: async (tool, input) => guard(tool, input),
          permissionMode: 'default',
          includePartialMessages: true,
          // No user or project settings: their allow rules could let a write skip the guard.
          settingSources: [],
          env: opts.launch.env,
          abortController: abort,
          ...(this.#sessionId ? { resume: this.#sessionId } : {}),
          ...(opts.launch.executable ? { pathToClaudeCodeExecutable: opts.launch.executable } : {}),
          stderr: (data) => {
            stderr = (stderr + data).slice(-4000);
          },
        },
      });
      for await (const message of messages) {
        if (typeof message.session_id === 'string' && message.session_id !== '') this.#sessionId = message.session_id;
        if (message.type === 'result') {
          result = message as Extract<SdkMessage, { type: 'result' }>;
          break;
        }
        await completeTurn(folder.add(message));
      }
      await completeTurn(folder.finish());
    } catch (error) {
      await completeTurn(folder.finish());
      if (stopped) return stopped;
      if (opts.signal?.aborted) return outcome('aborted', 'The session was aborted.');
      const detail = stderr.trim() ? ` (Claude Code said: ${stderr.trim().split('\n').slice(-3).join(' | ')})` : '';
      return outcome('error', `Claude Code session failed: ${(error as Error).message}${detail}`);
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
    }
    if (stopped) return stopped;
    if (opts.signal?.aborted) return outcome('aborted', 'The session was aborted.');
    if (!result) return outcome('error', 'Claude Code ended without a result message.');
    if (result.stop_reason === 'refusal') return outcome('refusal', result.result || this.#lastText || 'The model refused to continue.');
    const reason = RESULT_REASONS[result.subtype] ?? 'error';
    if (reason === 'end_turn' && !result.is_error) return outcome('end_turn', result.result ?? this.#lastText);
    if (reason === 'max_turns') return outcome('max_turns', `Stopped after ${result.num_turns} turn(s): the turn limit (${opts.maxTurns}) was reached.`);
    const errors = result.errors?.join('; ') || result.result || result.subtype;
    return outcome(reason === 'end_turn' ? 'error' : reason, `Claude Code: ${errors}`);
  }
}
