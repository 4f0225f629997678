// Bash: `bash -c` in the workspace root, in its own process group so a timeout or an
// abort kills everything it started, with secrets stripped from its environment.
import { spawn } from 'node:child_process';
import { z } from 'zod';
import { scrubEnv } from '../../util/secrets.js';
import type { ToolContext } from './context.js';
import { BASH_MAX_TIMEOUT_MS } from './definitions.js';
import { ToolError } from './toolError.js';

export const BASH_MAX_OUTPUT_CHARS = 30_000;

export const bashInput = z.object({
  command: z.string().min(1),
  timeout: z.number().positive().optional(),
});

/**
 * Claude Code's timeout is in milliseconds. A value of 600 or less can only have been
 * meant as seconds (nobody asks for a sub-second command timeout), so it is read as such.
 */
export function bashTimeoutMs(requested: number | undefined, fallbackMs: number): number {
  if (requested === undefined) return Math.min(fallbackMs, BASH_MAX_TIMEOUT_MS);
  const ms = requested <= 600 ? requested * 1000 : requested;
  return Math.min(ms, BASH_MAX_TIMEOUT_MS);
}

/** Collects output up to a cap, keeping the head and a rolling tail. */
class OutputCollector {
  #head = '';
  #tail = '';
  #dropped = 0;
  constructor(private readonly half: number) {}

  push(chunk: string): void {
    if (this.#head.length < this.half) {
      const room = this.half - this.#head.length;
      this.#head += chunk.slice(0, room);
      chunk = chunk.slice(room);
    }
    if (chunk === '') return;
    this.#tail += chunk;
    if (this.#tail.length > this.half) {
      this.#dropped += this.#tail.length - this.half;
      this.#tail = this.#tail.slice(this.#tail.length - this.half);
    }
  }

  text(): string {
    if (this.#dropped === 0) return this.#head + this.#tail;
    return `${this.#head}\n... [${this.#dropped} characters omitted] ...\n${this.#tail}`;
  }
}

export interface BashResult {
  output: string;
  exitCode: number | null;
  timedOut: boolean;
}

export async function execBash(
  command: string,
  cwd: string,
  timeoutMs: number,
  signal?: AbortSignal,
  baseEnv: NodeJS.ProcessEnv = process.env,
): Promise<BashResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', command], {
      cwd,
      env: scrubEnv(baseEnv),
      detached: true, // its own process group, so the whole tree can be killed
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = new OutputCollector(BASH_MAX_OUTPUT_CHARS / 2);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));

    let timedOut = false;
    const killGroup = (): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, timeoutMs);
    const onAbort = (): void => killGroup();
    signal?.addEventListener('abort', onAbort, { once: true });

    child.on('error', (error) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      reject(new ToolError(`Could not start bash: ${error.message}`));
    });
    // Background processes left behind would hold the pipes open (and outlive the task).
    child.on('exit', () => killGroup());
    child.on('close', (code) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve({ output: output.text(), exitCode: code, timedOut });
    });
  });
}

export async function runBash(input: z.infer<typeof bashInput>, ctx: ToolContext): Promise<string> {
  const timeoutMs = bashTimeoutMs(input.timeout, ctx.bashTimeoutMs);
  const result = await execBash(input.command, ctx.workspace.root, timeoutMs, ctx.signal, ctx.bashEnv);
  const output = result.output.trimEnd() || '(no output)';
  if (result.timedOut) {
    throw new ToolError(`${output}\n[killed: the command ran longer than its timeout of ${timeoutMs} ms]`);
  }
  if (ctx.signal?.aborted) throw new ToolError(`${output}\n[killed: the session was aborted]`);
  if (result.exitCode !== 0) throw new ToolError(`${output}\n[exit code ${result.exitCode ?? 'none (killed by a signal)'}]`);
  return output;
}
