// One agent's conversation: send, execute tool calls, send their results, until the
// model ends its turn or a limit is reached. Calling run() again continues the same
// conversation (the scheduler sends verify failures back this way).
import type Anthropic from '@anthropic-ai/sdk';
import { APIUserAbortError } from '@anthropic-ai/sdk';
import { appendUserText, continueHistory, textOf, toParamContent } from './conversation.js';
import { composeRequest } from './request.js';
import { classifyFailure, sleep, turnRetryWaitMs } from './retryPolicy.js';
import { actionForStop } from './stopReasons.js';
import { StreamAccumulator, type AccumulatedReply } from './streamAccumulator.js';
import type { ToolContext } from './tools/context.js';
import { BASH_DEFAULT_TIMEOUT_MS } from './tools/definitions.js';
import { executeToolCall } from './tools/registry.js';
import { openWorkspace, WriteScope } from './tools/sandbox.js';
import type { SessionEndReason, SessionOptions, SessionOutcome, TurnRecord, Usage } from './types.js';
import { addUsage, usageFromApi, zeroUsage } from './usage.js';

export const DEFAULT_MAX_TOKENS_PER_TURN = 32_000;
export const DEFAULT_TURN_RETRIES = 4;

/** Options beyond the shared SessionOptions contract. */
export interface SessionExtras {
  /**
   * How the session waits before retrying a turn (default: a timer that the abort signal
   * cancels). Tests pass a function that records the wait and returns at once.
   */
  wait?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export type AgentSessionOptions = SessionOptions & SessionExtras;

type TurnResult =
  | { ok: true; reply: AccumulatedReply; requestId: string | undefined; retries: number }
  | { ok: false; reason: SessionEndReason; message: string };

export class AgentSession {
  readonly #opts: AgentSessionOptions;
  readonly #messages: Anthropic.MessageParam[];
  #toolContext: ToolContext | undefined;
  #usage: Usage = zeroUsage();
  #running = false;

  constructor(opts: AgentSessionOptions) {
    this.#opts = opts;
    this.#messages = opts.history ? continueHistory(opts.history) : [];
  }

  /** The conversation so far (a copy). */
  get messages(): Anthropic.MessageParam[] {
    return [...this.#messages];
  }

  /** Usage summed over every run() of this session (each outcome reports its own run only). */
  get usage(): Usage {
    return { ...this.#usage };
  }

  /**
   * Sends `userMessage` and loops until the model ends its turn or a limit is hit. An empty
   * `userMessage` sends nothing new: it continues a conversation that ends with a user message
   * (e.g. a resumed history ending in tool results).
   */
  async run(userMessage: string): Promise<SessionOutcome> {
    if (this.#running) throw new Error('AgentSession.run() is already in progress for this session');
    this.#running = true;
    try {
      return await this.#run(userMessage);
    } finally {
      this.#running = false;
    }
  }

  /**
   * Continues a conversation restored through the `history` option. When it ends with user
   * content (tool results, a prompt) that is sent; when it ends with the model's finished
   * turn, nothing is sent and the outcome is that turn's end_turn (the caller verifies next).
   */
  async resume(): Promise<SessionOutcome> {
    const last = this.#messages.at(-1);
    if (!last) {
      return { reason: 'error', message: 'Nothing to resume: the session has no history.', turns: 0, usage: zeroUsage() };
    }
    if (last.role === 'assistant') {
      const blocks = typeof last.content === 'string' ? [{ type: 'text' as const, text: last.content }] : last.content;
      const text = blocks
        .map((block) => (block.type === 'text' ? block.text : ''))
        .join('\n')
        .trim();
      return { reason: 'end_turn', message: text, turns: 0, usage: zeroUsage() };
    }
    return this.run('');
  }

  async #run(userMessage: string): Promise<SessionOutcome> {
    const opts = this.#opts;
    let turns = 0;
    let usage = zeroUsage();
    let lastText = '';
    const outcome = (reason: SessionEndReason, message: string): SessionOutcome => ({ reason, message, turns, usage });

    if (userMessage !== '') appendUserText(this.#messages, userMessage);
    // The user text that opens the next turn, recorded on it so a transcript can be resumed.
    let prompt: string | undefined = userMessage !== '' ? userMessage : undefined;
    if (this.#messages.at(-1)?.role !== 'user' && this.#messages.at(-1)?.role !== 'assistant') {
      return outcome('error', 'Nothing to send: the conversation is empty and no user message was given.');
    }
    const ctx = await this.#tools();

    for (;;) {
      if (opts.signal?.aborted) return outcome('aborted', 'The session was aborted.');
      if (turns >= opts.maxTurns) {
        return outcome('max_turns', `Stopped after ${turns} turn(s): the turn limit (${opts.maxTurns}) was reached.`);
      }
      if (opts.tokenBudget !== undefined && this.#usage.outputTokens >= opts.tokenBudget) {
        return outcome('budget', `Stopped: the output-token budget (${opts.tokenBudget}) is spent (${this.#usage.outputTokens} used).`);
      }

      const limit = opts.stopBeforeTurn?.();
      if (limit !== undefined) return outcome('spending_limit', limit);

      const turn = this.#messages.filter((m) => m.role === 'assistant').length + 1;
      const startedAt = new Date().toISOString();
      const result = await this.#requestTurn(turn);
      if (!result.ok) return outcome(result.reason, result.message);

      // When the reply was complete: the rest of the turn is tool time (the report's Gantt splits them).
      const modelEndedAt = new Date().toISOString();
      const { message, toolInputProblems } = result.reply;
      turns++;
      const turnUsage = usageFromApi(message.usage);
      usage = addUsage(usage, turnUsage);
      this.#usage = addUsage(this.#usage, turnUsage);
      const text = textOf(message.content);
      if (text !== '') lastText = text;
      this.#messages.push({ role: 'assistant', content: toParamContent(message.content) });

      const toolUses = message.content.filter((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
      const action = actionForStop(message.stop_reason, toolUses.length > 0);
      const record: TurnRecord = {
        task: opts.task.id,
        turn,
        startedAt,
        endedAt: startedAt,
        modelEndedAt,
        model: opts.model,
        requestId: result.requestId,
        stopReason: message.stop_reason,
        ...(prompt !== undefined ? { prompt } : {}),
        assistant: message.content,
        toolResults: [],
        usage: turnUsage,
        retries: result.retries,
      };

      if (action.kind === 'tools') {
        for (const call of toolUses) {
          const problem = toolInputProblems.get(call.id);
          const executed = opts.signal?.aborted
            ? { content: 'Not executed: the session was aborted.', isError: true }
            : await executeToolCall(
                {
                  name: call.name,
                  input: call.input,
                  malformedInput: problem?.kind === 'malformed' ? problem.raw : undefined,
                  truncatedInput: problem?.kind === 'truncated',
                },
                opts.agent.tools,
                ctx,
              );
          record.toolResults.push({
            type: 'tool_result',
            tool_use_id: call.id,
            content: executed.content,
            ...(executed.isError ? { is_error: true } : {}),
          });
        }
        this.#messages.push({ role: 'user', content: record.toolResults });
      }
      prompt = undefined;
      if (action.kind === 'continue') {
        prompt = action.prompt;
        appendUserText(this.#messages, action.prompt);
      }
      record.endedAt = new Date().toISOString();
      await opts.onTurn?.(record);

      if (action.kind === 'finish') return outcome('end_turn', lastText);
      if (action.kind === 'end') {
        if (action.reason === 'refusal') {
          const explanation = (message as { stop_details?: { explanation?: string | null } | null }).stop_details?.explanation;
          return outcome('refusal', text || explanation || 'The model refused to continue.');
        }
        if (action.reason === 'context_exceeded') {
          return outcome('context_exceeded', `The conversation no longer fits the model's context window.${lastText ? ` Last words: ${lastText}` : ''}`);
        }
        return outcome('error', `The API returned an unknown stop reason: ${String(message.stop_reason)}.`);
      }
    }
  }

  async #tools(): Promise<ToolContext> {
    if (!this.#toolContext) {
      this.#toolContext = {
        workspace: await openWorkspace(this.#opts.workspaceDir),
        writeScope: new WriteScope(this.#opts.task.outputs),
        bashTimeoutMs: this.#opts.bashTimeoutMs ?? BASH_DEFAULT_TIMEOUT_MS,
        bashEnv: this.#opts.bashEnv,
        signal: this.#opts.signal,
      };
    }
    return this.#toolContext;
  }

  /** One turn's request, retried (keeping the conversation) when failures are transient. */
  async #requestTurn(turn: number): Promise<TurnResult> {
    const opts = this.#opts;
    const maxRetries = opts.turnRetries ?? DEFAULT_TURN_RETRIES;
    const wait = opts.wait ?? sleep;
    for (let retries = 0; ; retries++) {
      try {
        const { reply, requestId } = await this.#requestOnce();
        return { ok: true, reply, requestId, retries };
      } catch (error) {
        const verdict = classifyFailure(error, opts.signal);
        if (verdict.kind === 'aborted') return { ok: false, reason: 'aborted', message: 'The session was aborted.' };
        if (verdict.kind === 'fatal') return { ok: false, reason: 'error', message: verdict.message };
        if (retries >= maxRetries) {
          return {
            ok: false,
            reason: 'error',
            message: `${verdict.message} (turn ${turn} failed ${retries + 1} times; giving up after ${maxRetries} turn retries)`,
          };
        }
        const waitMs = turnRetryWaitMs(retries + 1, verdict.retryAfterMs);
        opts.onTransientFailure?.({
          task: opts.task.id,
          turn,
          status: verdict.status,
          message: verdict.message,
          waitMs,
          attempt: retries + 1,
        });
        try {
          await wait(waitMs, opts.signal);
        } catch {
          return { ok: false, reason: 'aborted', message: 'The session was aborted.' };
        }
        if (opts.signal?.aborted) return { ok: false, reason: 'aborted', message: 'The session was aborted.' };
      }
    }
  }

  /**
   * One streamed request. The raw event stream is accumulated here rather than through
   * MessageStream.finalMessage(), which rejects the whole reply when a tool call's JSON is
   * malformed (see streamAccumulator.ts).
   */
  async #requestOnce(): Promise<{ reply: AccumulatedReply; requestId: string | undefined }> {
    const opts = this.#opts;
    const params = composeRequest({
      model: opts.model,
      maxTokens: opts.maxTokensPerTurn ?? DEFAULT_MAX_TOKENS_PER_TURN,
      sharedContext: opts.sharedContext,
      agentPrompt: opts.agent.prompt,
      messages: this.#messages,
    });
    const { data: stream, request_id } = await opts.client.messages
      .create({ ...params, stream: true }, { signal: opts.signal, headers: opts.headers })
      .withResponse();
    const accumulator = new StreamAccumulator();
    for await (const event of stream) accumulator.add(event);
    // The SDK ends the iteration quietly when the signal aborts it.
    if (opts.signal?.aborted) throw new APIUserAbortError();
    return { reply: accumulator.finish(), requestId: request_id ?? undefined };
  }
}
