// Helpers for the conversation the session keeps: turning API replies into message
// params, continuing saved histories, adding user text without breaking alternation.
import type Anthropic from '@anthropic-ai/sdk';

/** The reply's content in the form the API accepts back in `messages`. */
export function toParamContent(content: readonly Anthropic.ContentBlock[]): Anthropic.ContentBlockParam[] {
  const blocks: Anthropic.ContentBlockParam[] = [];
  for (const block of content) {
    switch (block.type) {
      case 'text':
        // The API refuses empty text blocks in requests.
        if (block.text !== '') blocks.push({ type: 'text', text: block.text });
        break;
      case 'tool_use':
        blocks.push({ type: 'tool_use', id: block.id, name: block.name, input: block.input ?? {} });
        break;
      case 'thinking':
        blocks.push({ type: 'thinking', thinking: block.thinking, signature: block.signature });
        break;
      case 'redacted_thinking':
        blocks.push({ type: 'redacted_thinking', data: block.data });
        break;
      default:
        // Server-tool blocks are sent back as received.
        blocks.push(block as unknown as Anthropic.ContentBlockParam);
    }
  }
  return blocks.length > 0 ? blocks : [{ type: 'text', text: '(no content)' }];
}

export function toBlocks(content: Anthropic.MessageParam['content']): Anthropic.ContentBlockParam[] {
  return typeof content === 'string' ? [{ type: 'text', text: content }] : [...content];
}

function hasToolUse(message: Anthropic.MessageParam): boolean {
  return typeof message.content !== 'string' && message.content.some((block) => block.type === 'tool_use');
}

/**
 * A saved conversation ready to continue: content normalised to block arrays (so the cached
 * prefix serialises the same way every time) and a trailing assistant turn whose tool calls
 * were never answered dropped, so the conversation resumes from its last complete turn.
 */
export function continueHistory(history: readonly Anthropic.MessageParam[]): Anthropic.MessageParam[] {
  const messages = history.map((message) => ({ ...message, content: toBlocks(message.content) }) as Anthropic.MessageParam);
  const last = messages.at(-1);
  if (last && last.role === 'assistant' && hasToolUse(last)) messages.pop();
  return messages;
}

/** Appends user text, merging it into a trailing user message (e.g. tool results) if there is one. */
export function appendUserText(messages: Anthropic.MessageParam[], text: string): void {
  const last = messages.at(-1);
  if (last?.role === 'user') {
    messages[messages.length - 1] = { role: 'user', content: [...toBlocks(last.content), { type: 'text', text }] };
  } else {
    messages.push({ role: 'user', content: [{ type: 'text', text }] });
  }
}

export function textOf(content: readonly Anthropic.ContentBlock[]): string {
  return content
    .filter((block): block is Anthropic.TextBlock => block.type === 'text')
    .map((block) => block.text)
    .join('\n')
    .trim();
}
