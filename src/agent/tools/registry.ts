// Runs one tool call from the model and turns every outcome, including refusals, bad
// input and unexpected exceptions, into a tool result: nothing a model sends can crash
// the session.
import type { z } from 'zod';
import { TOOL_NAMES, type ToolName } from '../../config/types.js';
import { redactSecrets } from '../../util/secrets.js';
import type { ToolContext } from './context.js';
import { describeToolInput } from './definitions.js';
import { bashTimeoutMs, runBash } from './bash.js';
import { BASH_DEADLINE_GRACE_MS, TOOL_DEADLINE_MS, withDeadline } from './deadline.js';
import { runEdit } from './edit.js';
import { runGlob } from './glob.js';
import { runGrep } from './grep.js';
import { TOOL_INPUTS } from './inputSchemas.js';
import { runRead } from './read.js';
import { runWrite } from './write.js';
import { ToolError } from './toolError.js';

interface ToolImplementation<S extends z.ZodType> {
  input: S;
  run: (input: z.infer<S>, ctx: ToolContext) => Promise<string>;
}

function implementation<S extends z.ZodType>(input: S, run: (input: z.infer<S>, ctx: ToolContext) => Promise<string>) {
  return { input, run } as ToolImplementation<z.ZodType>;
}

const IMPLEMENTATIONS: Record<ToolName, ToolImplementation<z.ZodType>> = {
  Read: implementation(TOOL_INPUTS.Read, runRead),
  Write: implementation(TOOL_INPUTS.Write, runWrite),
  Edit: implementation(TOOL_INPUTS.Edit, runEdit),
  Glob: implementation(TOOL_INPUTS.Glob, runGlob),
  Grep: implementation(TOOL_INPUTS.Grep, runGrep),
  Bash: implementation(TOOL_INPUTS.Bash, runBash),
};

export interface ToolCall {
  name: string;
  input: unknown;
  /** Set when the model's input JSON could not be parsed (the raw text, for the message). */
  malformedInput?: string | undefined;
  /** Set when the input was cut off by max_tokens. */
  truncatedInput?: boolean | undefined;
}

export interface ToolOutcome {
  content: string;
  isError: boolean;
}

function isToolName(name: string): name is ToolName {
  return (TOOL_NAMES as readonly string[]).includes(name);
}

export async function executeToolCall(call: ToolCall, granted: readonly ToolName[], ctx: ToolContext): Promise<ToolOutcome> {
  const outcome = await execute(call, granted, ctx);
  return { ...outcome, content: redactSecrets(outcome.content) };
}

async function execute(call: ToolCall, granted: readonly ToolName[], ctx: ToolContext): Promise<ToolOutcome> {
  if (!isToolName(call.name)) {
    return failure(`Unknown tool ${JSON.stringify(call.name)}. Available tools: ${granted.join(', ') || '(none)'}.`);
  }
  if (!granted.includes(call.name)) {
    return failure(`Tool ${call.name} is not granted to this agent. Granted tools: ${granted.join(', ') || '(none)'}.`);
  }
  if (call.truncatedInput) {
    return failure(
      `Your output was cut off (max_tokens) while writing the input for ${call.name}; the call was not executed. ` +
        'Send it again, smaller: e.g. write a large file in parts (Write the first part, then Edit to append).',
    );
  }
  if (call.malformedInput !== undefined) {
    const shown = call.malformedInput.length > 300 ? `${call.malformedInput.slice(0, 300)}...` : call.malformedInput;
    return failure(
      `The input for ${call.name} was not valid JSON (${JSON.stringify(shown)}); the call was not executed. ` +
        `Expected input: ${describeToolInput(call.name)}.`,
    );
  }
  const tool = IMPLEMENTATIONS[call.name];
  const parsed = tool.input.safeParse(call.input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'input'}: ${issue.message}`).join('; ');
    return failure(`Invalid input for ${call.name}: ${problems}. Expected input: ${describeToolInput(call.name)}.`);
  }
  try {
    const deadlineMs =
      call.name === 'Bash'
        ? bashTimeoutMs((parsed.data as { timeout?: number }).timeout, ctx.bashTimeoutMs) + BASH_DEADLINE_GRACE_MS
        : (ctx.toolDeadlineMs ?? TOOL_DEADLINE_MS);
    return { content: await withDeadline(tool.run(parsed.data, ctx), { tool: call.name, deadlineMs, signal: ctx.signal }), isError: false };
  } catch (error) {
    if (error instanceof ToolError) return failure(error.message);
    const message = error instanceof Error ? error.message : String(error);
    return failure(`${call.name} failed unexpectedly: ${message}`);
  }
}

function failure(content: string): ToolOutcome {
  return { content, isError: true };
}
