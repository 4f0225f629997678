// The contract between the scheduler (which knows tasks) and one agent session (which
// knows one conversation). The session never sees the graph.
import type Anthropic from '@anthropic-ai/sdk';
import type { AgentDefinition, TaskSpec } from '../config/types.js';

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheCreationInputTokens: number;
  cacheReadInputTokens: number;
}

/** Why a session call returned. */
export type SessionEndReason =
  | 'end_turn' // the model finished
  | 'max_turns' // the turn limit was reached
  | 'budget' // the output-token budget was spent
  | 'spending_limit' // the caller's stopBeforeTurn said no (run cost or per-task token limit)
  | 'aborted' // the AbortSignal fired
  | 'refusal' // the model refused; `message` carries its words
  | 'context_exceeded' // model_context_window_exceeded and nothing left to continue with
  | 'error'; // a non-transient API error, or transient ones that outlasted every retry

/** One complete turn: the request's new messages, the assistant reply, the tool results. */
export interface TurnRecord {
  task: string;
  turn: number;
  startedAt: string;
  endedAt: string;
  /** When the model's reply was complete; tool calls ran from then to endedAt. Absent in older transcripts. */
  modelEndedAt?: string;
  model: string;
  requestId?: string;
  stopReason: string | null;
  /**
   * The user text that opened this turn when it did not follow tool results: the task
   * message on turn 1, a repair message after a failed verification. Resume needs it.
   */
  prompt?: string;
  /** The assistant message content as returned. */
  assistant: Anthropic.ContentBlock[];
  /** The user message sent back (tool results, or a continuation prompt); empty at end_turn. */
  toolResults: Anthropic.ToolResultBlockParam[];
  usage: Usage;
  /** Transient API failures retried before this turn succeeded. */
  retries: number;
  /** The Claude Code session the turn belongs to (claude-code provider): `run --resume` continues it. */
  sessionId?: string;
}

export interface TransientFailure {
  task: string;
  turn: number;
  status?: number;
  message: string;
  /** How long the session waits before retrying the turn. */
  waitMs: number;
  attempt: number;
}

export interface SessionOptions {
  client: Anthropic;
  /** Full model id (aliases are resolved before this point). */
  model: string;
  agent: AgentDefinition;
  task: TaskSpec;
  /** Absolute path of the workspace root; every tool path resolves inside it. */
  workspaceDir: string;
  /** Shared context for the system prompt (project brief + context files), identical for all sessions of a run. */
  sharedContext: string;
  maxTurns: number;
  /** max_tokens per request. */
  maxTokensPerTurn?: number;
  /** Total output tokens the session may spend; undefined = unlimited. */
  tokenBudget?: number;
  signal?: AbortSignal;
  /**
   * Asked before every request: a reason to stop instead (a spending limit reached), or
   * undefined to go on. Stopping here keeps every complete turn, so the session resumes.
   */
  stopBeforeTurn?: () => string | undefined;
  /** Called after every complete turn, before the next request: persist it here. */
  onTurn?: (turn: TurnRecord) => void | Promise<void>;
  /** Called when a transient failure outlasted the SDK's retries and the turn will be retried. */
  onTransientFailure?: (failure: TransientFailure) => void;
  /** A conversation to continue (from a transcript), instead of starting fresh. */
  history?: Anthropic.MessageParam[];
  /** Extra headers on every request (the scripted provider uses x-flux-triton-task). */
  headers?: Record<string, string>;
  bashTimeoutMs?: number;
  /** Environment for Bash (secrets are stripped again before use); default: this process's. */
  bashEnv?: NodeJS.ProcessEnv;
  /** How many times a turn is retried after transient failures outlast the SDK's retries. */
  turnRetries?: number;
}

export interface SessionOutcome {
  reason: SessionEndReason;
  /** The model's last text (or refusal words, or the error message). */
  message: string;
  turns: number;
  usage: Usage;
}

/** One task's conversation, whichever engine runs it: run() again continues it (repairs). */
export interface TaskSession {
  run(userMessage: string): Promise<SessionOutcome>;
  /** Continues a conversation restored from a transcript. */
  resume(): Promise<SessionOutcome>;
}
