// Builds the assistant message from the raw stream events. The SDK's MessageStream does
// this too, but it throws away the whole reply when one tool call's input JSON does not
// parse; here such a call is kept (with empty input) and flagged, so the session can
// answer it with an is_error tool result and go on. It also tells a tool call cut off by
// max_tokens apart from one that is merely malformed.
import type Anthropic from '@anthropic-ai/sdk';

export interface ToolInputProblem {
  /** The raw JSON text the model produced. */
  raw: string;
  kind: 'malformed' | 'truncated';
}

export interface AccumulatedReply {
  message: Anthropic.Message;
  /** Tool calls whose input could not be parsed, by tool_use id. */
  toolInputProblems: Map<string, ToolInputProblem>;
}

/** The stream ended before message_stop (a cut connection): retry the turn. */
export class IncompleteStreamError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IncompleteStreamError';
  }
}

type MutableBlock = Record<string, unknown> & { type: string };

export class StreamAccumulator {
  #message: (Omit<Anthropic.Message, 'content'> & { content: MutableBlock[] }) | undefined;
  #jsonBuffers = new Map<number, string>();
  #badJson = new Map<number, string>();
  #complete = false;

  add(event: Anthropic.RawMessageStreamEvent): void {
    if (event.type === 'message_start') {
      this.#message = { ...event.message, content: [] };
      return;
    }
    const message = this.#message;
    if (!message) throw new IncompleteStreamError(`stream event ${event.type} arrived before message_start`);
    switch (event.type) {
      case 'content_block_start':
        message.content[event.index] = { ...(event.content_block as unknown as MutableBlock) };
        if (event.content_block.type === 'tool_use') this.#jsonBuffers.set(event.index, '');
        break;
      case 'content_block_delta': {
        const block = message.content[event.index];
        if (!block) break;
        const delta = event.delta;
        if (delta.type === 'text_delta') block.text = String(block.text ?? '') + delta.text;
        else if (delta.type === 'input_json_delta') {
          this.#jsonBuffers.set(event.index, (this.#jsonBuffers.get(event.index) ?? '') + delta.partial_json);
        } else if (delta.type === 'thinking_delta') block.thinking = String(block.thinking ?? '') + delta.thinking;
        else if (delta.type === 'signature_delta') block.signature = delta.signature;
        else if (delta.type === 'citations_delta') block.citations = [...((block.citations as unknown[]) ?? []), delta.citation];
        break;
      }
      case 'content_block_stop':
        this.#finishToolInput(event.index);
        break;
      case 'message_delta': {
        message.stop_reason = event.delta.stop_reason;
        message.stop_sequence = event.delta.stop_sequence;
        // The delta's usage fields are cumulative; null means "unchanged".
        const usage = { ...message.usage };
        for (const [key, value] of Object.entries(event.usage)) {
          if (value !== null && value !== undefined) (usage as Record<string, unknown>)[key] = value;
        }
        message.usage = usage;
        break;
      }
      case 'message_stop':
        this.#complete = true;
        break;
    }
  }

  #finishToolInput(index: number): void {
    const block = this.#message?.content[index];
    const raw = this.#jsonBuffers.get(index);
    if (!block || raw === undefined) return;
    this.#jsonBuffers.delete(index);
    if (raw.trim() === '') {
      block.input = {};
      return;
    }
    try {
      const input: unknown = JSON.parse(raw);
      if (input === null || typeof input !== 'object' || Array.isArray(input)) throw new Error('not an object');
      block.input = input;
    } catch {
      // The API needs an object here when the message is sent back; the flag carries the raw text.
      block.input = {};
      this.#badJson.set(index, raw);
    }
  }

  finish(): AccumulatedReply {
    const message = this.#message;
    if (!message || !this.#complete) {
      throw new IncompleteStreamError('the response stream ended before message_stop (connection cut?)');
    }
    const problems = new Map<string, ToolInputProblem>();
    const lastIndex = message.content.length - 1;
    for (const [index, raw] of this.#badJson) {
      const block = message.content[index];
      if (!block) continue;
      const truncated = message.stop_reason === 'max_tokens' && index === lastIndex;
      problems.set(String(block.id), { raw, kind: truncated ? 'truncated' : 'malformed' });
    }
    return { message: message as unknown as Anthropic.Message, toolInputProblems: problems };
  }
}
