// Folds the Agent SDK's message stream into the runner's TurnRecords. The SDK relays one
// API reply as several assistant messages (one per content block, sharing the message id)
// and the tool results as user messages; a turn is complete when the next reply begins or
// the query ends. The records have the shape the anthropic provider writes, so transcripts,
// reports, `report --task`, cost and resume read them the same way.
import type Anthropic from '@anthropic-ai/sdk';
import type { TurnRecord, Usage } from '../types.js';
import type { SdkApiUsage, SdkBlock, SdkMessage } from './agentSdk.js';

interface Pending {
  id: string;
  record: TurnRecord;
  usage: SdkApiUsage;
}

/** Per field the largest value seen: streamed copies of one reply may carry early, smaller counts. */
function mergeUsage(a: SdkApiUsage, b: SdkApiUsage | undefined): SdkApiUsage {
  if (!b) return a;
  const max = (x: number | null | undefined, y: number | null | undefined): number => Math.max(x ?? 0, y ?? 0);
  return {
    input_tokens: max(a.input_tokens, b.input_tokens),
    output_tokens: max(a.output_tokens, b.output_tokens),
    cache_creation_input_tokens: max(a.cache_creation_input_tokens, b.cache_creation_input_tokens),
    cache_read_input_tokens: max(a.cache_read_input_tokens, b.cache_read_input_tokens),
  };
}

function toUsage(usage: SdkApiUsage): Usage {
  return {
    inputTokens: usage.input_tokens ?? 0,
    outputTokens: usage.output_tokens ?? 0,
    cacheCreationInputTokens: usage.cache_creation_input_tokens ?? 0,
    cacheReadInputTokens: usage.cache_read_input_tokens ?? 0,
  };
}

export class TurnFolder {
  #pending: Pending | undefined;
  #nextTurn: number;
  #prompt: string | undefined;
  #lastActivity: string;

  constructor(
    private readonly task: string,
    private readonly model: string,
    firstTurn: number,
    prompt: string | undefined,
    private readonly now: () => string = () => new Date().toISOString(),
  ) {
    this.#nextTurn = firstTurn;
    this.#prompt = prompt;
    this.#lastActivity = this.now();
  }

  /** Takes one SDK message; returns the turn it completed, if any. Sub-agent messages are skipped. */
  add(message: SdkMessage): TurnRecord | undefined {
    if (message.type === 'assistant' && 'message' in message && message.parent_tool_use_id === null) {
      const reply = message.message;
      const done = this.#pending && this.#pending.id !== reply.id ? this.finish() : undefined;
      const at = this.now();
      if (!this.#pending) this.#pending = this.#open(reply.id, message.request_id);
      const pending = this.#pending;
      pending.record.assistant.push(...(reply.content as unknown as Anthropic.ContentBlock[]));
      pending.usage = mergeUsage(pending.usage, reply.usage);
      if (reply.stop_reason) pending.record.stopReason = reply.stop_reason;
      pending.record.modelEndedAt = at;
      pending.record.endedAt = at;
      this.#lastActivity = at;
      return done;
    }
    if (message.type === 'stream_event' && 'event' in message && message.parent_tool_use_id === null && this.#pending) {
      // message_delta closes a reply with its output-token count; the assistant messages,
      // relayed block by block before it, still carry message_start's early count.
      if (message.event.type === 'message_delta') this.#pending.usage = mergeUsage(this.#pending.usage, message.event.usage);
      return undefined;
    }
    if (message.type === 'user' && 'message' in message && message.parent_tool_use_id === null && this.#pending) {
      const content = message.message.content;
      if (Array.isArray(content)) {
        const results = content.filter((block: SdkBlock) => block.type === 'tool_result');
        this.#pending.record.toolResults.push(...(results as unknown as Anthropic.ToolResultBlockParam[]));
        if (results.length > 0) {
          this.#lastActivity = this.now();
          this.#pending.record.endedAt = this.#lastActivity;
        }
      }
    }
    return undefined;
  }

  /** The turn in progress, completed (at the end of a query), or undefined when there is none. */
  finish(): TurnRecord | undefined {
    const pending = this.#pending;
    if (!pending) return undefined;
    this.#pending = undefined;
    const record = pending.record;
    record.usage = toUsage(pending.usage);
    // Streamed copies carry no stop reason; what the reply did tells it.
    if (record.stopReason === null) {
      record.stopReason = record.assistant.some((block) => block.type === 'tool_use') ? 'tool_use' : 'end_turn';
    }
    return record;
  }

  #open(id: string, requestId: string | undefined): Pending {
    const startedAt = this.#lastActivity;
    const record: TurnRecord = {
      task: this.task,
      turn: this.#nextTurn++,
      startedAt,
      endedAt: startedAt,
      model: this.model,
      ...(requestId ? { requestId } : {}),
      stopReason: null,
      ...(this.#prompt !== undefined ? { prompt: this.#prompt } : {}),
      assistant: [],
      toolResults: [],
      usage: { inputTokens: 0, outputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 },
      retries: 0,
    };
    this.#prompt = undefined;
    return { id, record, usage: {} };
  }
}
