// One task's conversation for the page: each turn's prompt and text, each tool call with its
// input and its result (collapsed; errors highlighted). Long inputs and results are clipped
// so the page stays small; the transcript file keeps every byte.
import type Anthropic from '@anthropic-ai/sdk';
import type { TurnRecord } from '../../agent/types.js';
import type { TurnCost } from '../../events/runState.js';
import { formatDuration, formatTokens } from '../../events/index.js';
import { formatUsd } from '../../cost/formatUsd.js';
import { clipText, escapeHtml } from './escape.js';

const MAX_TEXT = 6_000;
const MAX_TOOL_INPUT = 3_000;
const MAX_TOOL_RESULT = 3_000;

export function renderTranscript(taskId: string, turns: readonly TurnRecord[], costs: readonly TurnCost[]): string {
  if (turns.length === 0) return '<p class="muted">No transcript: no turn of this task completed in this run.</p>';
  const where = `transcripts/${taskId}.jsonl`;
  const errors = turns.reduce((n, t) => n + t.toolResults.filter((r) => r.is_error).length, 0);
  const calls = turns.reduce((n, t) => n + t.assistant.filter((b) => b.type === 'tool_use').length, 0);
  const body = turns
    .map((turn) =>
      renderTurn(
        turn,
        costs.find((c) => c.turn === turn.turn),
        where,
      ),
    )
    .join('');
  return `<details class="transcript"><summary>Transcript: ${turns.length} turn(s), ${calls} tool call(s)${errors ? `, <span class="error-text">${errors} tool error(s)</span>` : ''}</summary>${body}</details>`;
}

function renderTurn(turn: TurnRecord, cost: TurnCost | undefined, where: string): string {
  const u = turn.usage;
  const tokens = u.inputTokens + u.outputTokens + u.cacheCreationInputTokens + u.cacheReadInputTokens;
  const took = formatDuration(Date.parse(turn.endedAt) - Date.parse(turn.startedAt));
  const head = `<div class="turn-head">Turn ${turn.turn} · ${escapeHtml(turn.stopReason ?? 'no stop reason')} · ${took} · ${formatTokens(tokens)} tokens (in ${u.inputTokens}, out ${u.outputTokens}, cache write ${u.cacheCreationInputTokens}, cache read ${u.cacheReadInputTokens}) · ${escapeHtml(formatUsd(cost ? cost.costUsd : null))}${turn.retries ? ` · ${turn.retries} transient retr${turn.retries === 1 ? 'y' : 'ies'}` : ''}</div>`;
  const parts = [head];
  if (turn.prompt) {
    const prompt = clipText(turn.prompt, MAX_TEXT, where);
    parts.push(`<details class="prompt"><summary>Prompt (${turn.prompt.length} characters)</summary><pre>${escapeHtml(prompt.text)}</pre></details>`);
  }
  const results = new Map(turn.toolResults.map((r) => [r.tool_use_id, r]));
  for (const block of turn.assistant) {
    if (block.type === 'text' && block.text.trim() !== '')
      parts.push(`<div class="assistant-text">${escapeHtml(clipText(block.text, MAX_TEXT, where).text)}</div>`);
    if (block.type === 'tool_use') parts.push(renderToolCall(block, results.get(block.id), where));
  }
  return `<div class="turn">${parts.join('')}</div>`;
}

function renderToolCall(call: Anthropic.ToolUseBlock, result: Anthropic.ToolResultBlockParam | undefined, where: string): string {
  const input = clipText(formatToolInput(call.input), MAX_TOOL_INPUT, where);
  const error = result?.is_error === true;
  const resultText = result ? clipText(resultContent(result), MAX_TOOL_RESULT, where).text : 'no result recorded';
  return (
    `<div class="tool-call${error ? ' tool-error' : ''}"><div class="tool-name">${escapeHtml(call.name)}${error ? ' <span class="error-text">error</span>' : ''}</div>` +
    `<pre class="tool-input">${escapeHtml(input.text)}</pre>` +
    `<details class="tool-result"><summary>${error ? 'Error result' : 'Result'} (${resultText.length} characters)</summary><pre>${escapeHtml(resultText)}</pre></details></div>`
  );
}

/** `file_path: x` per field; a multi-line string (a file's content) shown as its text, not a JSON escape. */
function formatToolInput(input: unknown): string {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return JSON.stringify(input, null, 2);
  return Object.entries(input as Record<string, unknown>)
    .map(([key, value]) => (typeof value === 'string' ? (value.includes('\n') ? `${key}:\n${value}` : `${key}: ${value}`) : `${key}: ${JSON.stringify(value)}`))
    .join('\n');
}

function resultContent(result: Anthropic.ToolResultBlockParam): string {
  if (typeof result.content === 'string') return result.content;
  return (result.content ?? []).map((block) => (block.type === 'text' ? block.text : `[${block.type}]`)).join('\n');
}
