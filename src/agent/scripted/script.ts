// The per-task scripts the scripted provider plays (tasks/scripted/<TASK>.yaml): one entry
// per assistant turn, each with optional text and tool calls. `*_file` input keys are
// replaced by the content of a golden file, so scripts stay short and outputs live as files.
import { readFileSync, statSync, type Stats } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

export const SCRIPT_STOP_REASONS = ['end_turn', 'max_tokens', 'refusal', 'pause_turn', 'model_context_window_exceeded'] as const;
export type ScriptStopReason = (typeof SCRIPT_STOP_REASONS)[number];

const toolCallSchema = z.record(z.string(), z.record(z.string(), z.unknown())).refine((entry) => Object.keys(entry).length === 1, {
  message: 'each tool call is a map with exactly one key, the tool name, e.g. `- Read: { file_path: a.py }`',
});

const turnSchema = z
  .object({
    text: z.string().optional(),
    tools: z.array(toolCallSchema).optional(),
    stop: z.enum(SCRIPT_STOP_REASONS).optional(),
  })
  .strict()
  .refine((turn) => turn.text !== undefined || (turn.tools?.length ?? 0) > 0 || turn.stop !== undefined, {
    message: 'a turn needs `text`, `tools` or `stop`',
  });

const scriptSchema = z.object({ task: z.string(), turns: z.array(turnSchema) }).strict();

export interface ScriptToolCall {
  name: string;
  /** The input as written; `*_file` keys are resolved when the turn is played. */
  input: Record<string, unknown>;
}

export interface ScriptTurn {
  text?: string | undefined;
  tools: ScriptToolCall[];
  stop?: ScriptStopReason | undefined;
}

export interface Script {
  task: string;
  file: string;
  turns: ScriptTurn[];
}

/** A script that cannot be used; the server answers with a 400 carrying this message. */
export class ScriptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScriptError';
  }
}

export function scriptFileFor(scriptsDir: string, task: string): string {
  return path.join(scriptsDir, `${task}.yaml`);
}

export async function loadScript(scriptsDir: string, task: string): Promise<Script> {
  if (!/^[A-Za-z0-9_.-]+$/.test(task) || task.startsWith('.')) {
    throw new ScriptError(`Task id ${JSON.stringify(task)} cannot name a script file.`);
  }
  const file = scriptFileFor(scriptsDir, task);
  // Read at once rather than through the thread pool: a script is a small local file read
  // once per task, on its first request's path. An asynchronous readFile is four round
  // trips (0.2 ms idle against 7 µs for readFileSync on the 2-core VM of docs/benchmarks.md
  // 3.7, more under load: the first turn's median fell by about 0.5 ms). Only a regular
  // file: a FIFO would block the server (and the run) on the read.
  let info: Stats;
  try {
    info = statSync(file);
  } catch {
    throw new ScriptError(`No script for task ${task}: looked for ${file}.`);
  }
  if (!info.isFile()) throw new ScriptError(`${file} is not a regular file; a script is a YAML file.`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ScriptError(`Cannot read the script for task ${task} (${file}): ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new ScriptError(`${file}: invalid YAML: ${(error as Error).message}`);
  }
  const parsed = scriptSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`);
    throw new ScriptError(`${file}: ${problems.join('; ')}`);
  }
  if (parsed.data.task !== task) {
    throw new ScriptError(`${file}: says task ${parsed.data.task}, but it was loaded for ${task}.`);
  }
  return {
    task,
    file,
    turns: parsed.data.turns.map((turn) => ({
      text: turn.text,
      stop: turn.stop,
      tools: (turn.tools ?? []).map((entry) => {
        const [name, input] = Object.entries(entry)[0] as [string, Record<string, unknown>];
        return { name, input };
      }),
    })),
  };
}

/** Replaces every `<key>_file: <path>` with `<key>: <content of goldenDir/path>`. */
export async function resolveFileInputs(input: Record<string, unknown>, goldenDir: string): Promise<Record<string, unknown>> {
  const resolved: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (!key.endsWith('_file') || key === '_file') {
      resolved[key] = value;
      continue;
    }
    if (typeof value !== 'string') throw new ScriptError(`${key} must be a path (a string) relative to the golden directory.`);
    const root = path.resolve(goldenDir);
    const file = path.resolve(root, value);
    const rel = path.relative(root, file);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
      throw new ScriptError(`${key}: ${value} leads outside the golden directory ${root}.`);
    }
    try {
      resolved[key.slice(0, -'_file'.length)] = await readFile(file, 'utf8');
    } catch {
      throw new ScriptError(`${key}: golden file not found: ${file}.`);
    }
  }
  return resolved;
}
