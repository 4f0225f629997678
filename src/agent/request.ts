// Builds each request so that as much of it as possible is read from the prompt cache.
// Order of the cached prefix: tools, then system, then messages.
// - tools: all six, fixed order, for every agent (see tools/definitions.ts);
// - system: the shared context first, marked, so every session of a run shares it; then
//   the agent's own prompt;
// - messages: the last block of each of the last three messages is marked. The newest mark
//   writes this turn's prefix; the older ones are the previous requests' newest marks, so
//   the conversation so far is read back from the cache. 1 + 3 = 4 marks, the API's limit.
import type Anthropic from '@anthropic-ai/sdk';
import { TOOL_DEFINITIONS } from './tools/definitions.js';

export const MAX_CACHE_MARKS = 4;
const MESSAGE_CACHE_MARKS = MAX_CACHE_MARKS - 1;
const EPHEMERAL: Anthropic.CacheControlEphemeral = { type: 'ephemeral' };

export interface RequestParts {
  model: string;
  maxTokens: number;
  sharedContext: string;
  agentPrompt: string;
  messages: readonly Anthropic.MessageParam[];
}

export function composeSystem(sharedContext: string, agentPrompt: string): Anthropic.TextBlockParam[] {
  const system: Anthropic.TextBlockParam[] = [];
  // The API refuses empty text blocks; an empty part is simply left out.
  if (sharedContext !== '') system.push({ type: 'text', text: sharedContext, cache_control: EPHEMERAL });
  if (agentPrompt !== '') system.push({ type: 'text', text: agentPrompt });
  return system;
}

/** Blocks that may carry cache_control (thinking blocks may not; empty text is refused anyway). */
function markable(block: Anthropic.ContentBlockParam): boolean {
  if (block.type === 'thinking' || block.type === 'redacted_thinking') return false;
  return !(block.type === 'text' && block.text === '');
}

/** A copy of the conversation with cache marks on the last block of the last messages. */
export function withCacheMarks(messages: readonly Anthropic.MessageParam[], marks = MESSAGE_CACHE_MARKS): Anthropic.MessageParam[] {
  const marked = messages.map((message) => ({ ...message }));
  let placed = 0;
  for (let i = marked.length - 1; i >= 0 && placed < marks; i--) {
    const message = marked[i] as Anthropic.MessageParam;
    const blocks: Anthropic.ContentBlockParam[] = typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : [...message.content];
    for (let j = blocks.length - 1; j >= 0; j--) {
      const block = blocks[j] as Anthropic.ContentBlockParam;
      if (!markable(block)) continue;
      blocks[j] = { ...block, cache_control: EPHEMERAL } as Anthropic.ContentBlockParam;
      message.content = blocks;
      placed++;
      break;
    }
  }
  return marked;
}

export function composeRequest(parts: RequestParts): Anthropic.MessageCreateParamsNonStreaming {
  const system = composeSystem(parts.sharedContext, parts.agentPrompt);
  const systemMarks = system.filter((block) => block.cache_control).length;
  return {
    model: parts.model,
    max_tokens: parts.maxTokens,
    tools: [...TOOL_DEFINITIONS],
    system,
    messages: withCacheMarks(parts.messages, MAX_CACHE_MARKS - systemMarks),
  };
}
