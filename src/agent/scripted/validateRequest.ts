// The checks the real Messages API makes that a client loop can get wrong, with the
// API's own wording where it is known. The scripted server refuses such requests with
// 400 invalid_request_error, so offline runs catch what a real run would trip over.
import { countCacheBreakpoints } from './promptCache.js';

type Json = Record<string, unknown>;

const MAX_CACHE_BREAKPOINTS = 4;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function blocksOf(message: Json): Json[] {
  return Array.isArray(message.content) ? (message.content.filter(isObject) as Json[]) : [];
}

/** Returns the error message for an invalid request body, or undefined when it is acceptable. */
export function validateMessagesRequest(body: unknown, options: { countTokens?: boolean } = {}): string | undefined {
  if (!isObject(body)) return 'The request body must be a JSON object.';
  if (typeof body.model !== 'string' || body.model === '') return 'model: Field required';
  if (!options.countTokens) {
    if (body.max_tokens === undefined) return 'max_tokens: Field required';
    if (typeof body.max_tokens !== 'number' || !Number.isInteger(body.max_tokens) || body.max_tokens < 1) {
      return 'max_tokens: Input should be a positive integer';
    }
  }
  if (body.messages === undefined) return 'messages: Field required';
  if (!Array.isArray(body.messages)) return 'messages: Input should be a valid list';
  if (body.messages.length === 0) return 'messages: at least one message is required';

  const messages = body.messages as unknown[];
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i];
    if (!isObject(message)) return `messages.${i}: Input should be a valid dictionary`;
    if (message.role !== 'user' && message.role !== 'assistant' && message.role !== 'system') {
      return `messages.${i}.role: Input should be 'user', 'assistant' or 'system'`;
    }
    if (typeof message.content !== 'string' && !Array.isArray(message.content)) {
      return `messages.${i}.content: Field required`;
    }
    const blocks = blocksOf(message);
    for (let j = 0; j < blocks.length; j++) {
      const block = blocks[j] as Json;
      if (block.type === 'text' && (typeof block.text !== 'string' || block.text === '')) {
        return `messages.${i}.content.${j}: text content blocks must be non-empty`;
      }
      if (block.type === 'tool_use' && !isObject(block.input)) {
        return `messages.${i}.content.${j}.tool_use.input: Input should be a valid dictionary`;
      }
    }
  }

  const pairing = checkToolPairing(messages as Json[]);
  if (pairing) return pairing;

  const breakpoints = countCacheBreakpoints(body);
  if (breakpoints > MAX_CACHE_BREAKPOINTS) {
    return `A maximum of ${MAX_CACHE_BREAKPOINTS} blocks with cache_control may be provided. Found ${breakpoints}.`;
  }
  return undefined;
}

/** Every tool_use must be answered in the very next message, and every tool_result must answer one. */
function checkToolPairing(messages: Json[]): string | undefined {
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i] as Json;
    const previous = messages[i - 1];
    const asked =
      previous?.role === 'assistant'
        ? blocksOf(previous)
            .filter((b) => b.type === 'tool_use')
            .map((b) => String(b.id))
        : [];
    const answered =
      message.role === 'user'
        ? blocksOf(message)
            .filter((b) => b.type === 'tool_result')
            .map((b) => String(b.tool_use_id))
        : [];
    const unexpected = answered.filter((id) => !asked.includes(id));
    if (unexpected.length > 0) {
      return (
        `messages.${i}.content: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${unexpected.join(', ')}. ` +
        'Each `tool_result` block must have a corresponding `tool_use` block in the previous message.'
      );
    }
    if (asked.length > 0) {
      const missing = asked.filter((id) => !answered.includes(id));
      if (missing.length > 0) {
        return (
          `messages.${i}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. ` +
          'Each `tool_use` block must have a corresponding `tool_result` block in the next message.'
        );
      }
    }
  }
  return undefined;
}
