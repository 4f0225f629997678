// Turns one script entry into the assistant reply the server sends: content blocks with
// deterministic ids, the stop reason, and the faults that alter tool calls.
import type { FaultRule } from './faults.js';
import { resolveFileInputs, type Script } from './script.js';

export type PlannedBlock =
  | { type: 'text'; text: string }
  | {
      type: 'tool_use';
      id: string;
      name: string;
      /** The input as the model "wrote" it: usually JSON.stringify(input), but maybe cut or broken. */
      inputJson: string;
      /** What a non-streaming reply puts in `input`. */
      input: unknown;
    };

export interface PlannedReply {
  blocks: PlannedBlock[];
  stopReason: string;
}

export const SCRIPT_EXHAUSTED_TEXT = '(script exhausted)';

/** Plays 1-based `turn` of the script (or says the script is exhausted). */
export async function planReply(
  script: Script,
  turn: number,
  goldenDir: string,
  fault?: FaultRule,
  /** Adapts a tool call's input to the client's tools (Claude Code wants absolute paths). */
  adaptInput: (tool: string, input: Record<string, unknown>) => Record<string, unknown> = (_tool, input) => input,
): Promise<PlannedReply> {
  const entry = script.turns[turn - 1];
  if (!entry) return { blocks: [{ type: 'text', text: SCRIPT_EXHAUSTED_TEXT }], stopReason: 'end_turn' };

  const blocks: PlannedBlock[] = [];
  if (entry.text !== undefined && entry.text !== '') blocks.push({ type: 'text', text: entry.text });
  for (const [n, call] of entry.tools.entries()) {
    const input = adaptInput(call.name, await resolveFileInputs(call.input, goldenDir));
    const name = n === 0 && fault?.unknownTool ? fault.unknownTool : call.name;
    blocks.push({ type: 'tool_use', id: `toolu_${script.task}_${turn}_${n + 1}`, name, inputJson: JSON.stringify(input), input });
  }
  const stopReason = entry.stop ?? (entry.tools.length > 0 ? 'tool_use' : 'end_turn');

  const tools = blocks.filter((block) => block.type === 'tool_use');
  const first = tools[0];
  if (fault?.malformedToolInput && first) {
    first.inputJson = first.inputJson.replace(/}$/, ', oops}');
    first.input = first.inputJson;
  }
  // A reply cut by max_tokens in the middle of a tool call leaves that call's JSON unfinished.
  const last = tools.at(-1);
  if (stopReason === 'max_tokens' && last) {
    last.inputJson = last.inputJson.slice(0, Math.max(1, Math.floor(last.inputJson.length / 2)));
    last.input = {};
  }
  if (blocks.length === 0) blocks.push({ type: 'text', text: `(${stopReason})` });
  return { blocks, stopReason };
}

/** The block as it appears in a complete (non-streaming) message. */
export function finalBlock(block: PlannedBlock): Record<string, unknown> {
  if (block.type === 'text') return { type: 'text', text: block.text, citations: null };
  return { type: 'tool_use', id: block.id, name: block.name, input: block.input, caller: { type: 'direct' } };
}

/** Splits a string into at most `parts` chunks of similar size (at least one). */
export function chunk(text: string, parts: number): string[] {
  if (text === '') return [''];
  const size = Math.ceil(text.length / parts);
  const chunks: string[] = [];
  for (let at = 0; at < text.length; at += size) chunks.push(text.slice(at, at + size));
  return chunks;
}
