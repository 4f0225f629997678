// `{ run: "<command>" }` checks: a shell command in the workspace, like an agent's Bash
// call but run by the runner, with the chosen Python first on PATH so `python` in a
// command means the interpreter the checks were set up with.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { scrubEnv } from '../util/secrets.js';
import type { VerifySpec } from '../config/types.js';
import { missingPythonModules } from './python.js';
import type { CheckResult, VerifyContext } from './types.js';

const DEFAULT_TIMEOUT_SECONDS = 600;
// What goes back to the model must stay readable: keep the head and the tail, where
// tracebacks and pytest summaries are.
const OUTPUT_HEAD = 6_000;
const OUTPUT_TAIL = 10_000;

type RunSpec = Extract<VerifySpec, { kind: 'run' }>;

export function truncateOutput(text: string): string {
  if (text.length <= OUTPUT_HEAD + OUTPUT_TAIL) return text;
  const omitted = text.length - OUTPUT_HEAD - OUTPUT_TAIL;
  return `${text.slice(0, OUTPUT_HEAD)}\n… [${omitted} characters omitted] …\n${text.slice(-OUTPUT_TAIL)}`;
}

export function checkEnvironment(python: string, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = scrubEnv(base);
  if (python.includes('/')) env.PATH = `${path.dirname(path.resolve(python))}${path.delimiter}${env.PATH ?? ''}`;
  env.PYTHONDONTWRITEBYTECODE = '1';
  env.PYTHONUNBUFFERED = '1';
  return env;
}

export async function runCommandCheck(spec: RunSpec, ctx: VerifyContext): Promise<CheckResult> {
  const name = `run: ${spec.run}`;
  const started = Date.now();
  if (spec.requires && spec.requires.length > 0) {
    const missing = await missingPythonModules(ctx.python, spec.requires);
    if (missing.length > 0) {
      return {
        name,
        status: 'skipped',
        output: '',
        reason: `${missing.join(', ')} not installed for ${ctx.python} (run scripts/setup-python.sh, or set FLUX_TRITON_PYTHON)`,
        durationMs: Date.now() - started,
      };
    }
  }
  const timeoutMs = (spec.timeout ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
  const { code, output, timedOut, aborted } = await runShell(spec.run, ctx, timeoutMs);
  const durationMs = Date.now() - started;
  if (aborted) return { name, status: 'failed', output: truncateOutput(output), reason: 'interrupted', durationMs };
  if (timedOut) {
    return {
      name,
      status: 'failed',
      output: `${truncateOutput(output)}\n[timed out after ${timeoutMs / 1000} s]`,
      durationMs,
    };
  }
  return {
    name,
    status: code === 0 ? 'passed' : 'failed',
    output: code === 0 ? truncateOutput(output) : `${truncateOutput(output)}\n[exit code ${code}]`,
    durationMs,
  };
}

function runShell(
  command: string,
  ctx: VerifyContext,
  timeoutMs: number,
): Promise<{ code: number | null; output: string; timedOut: boolean; aborted: boolean }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', command], {
      cwd: ctx.workspaceDir,
      env: checkEnvironment(ctx.python, process.env),
      detached: true, // own process group, so a timeout kills pytest's children too
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const append = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      // Keep memory bounded on runaway output; the tail is what matters most.
      if (output.length > 4 * (OUTPUT_HEAD + OUTPUT_TAIL)) output = truncateOutput(output);
    };
    child.stdout.on('data', append);
    child.stderr.on('data', append);
    let timedOut = false;
    let aborted = false;
    const kill = (): void => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, timeoutMs);
    const onAbort = (): void => {
      aborted = true;
      kill();
    };
    ctx.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('close', (code) => {
      clearTimeout(timer);
      ctx.signal?.removeEventListener('abort', onAbort);
      resolve({ code, output, timedOut, aborted });
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: 127, output: `${output}\n${error.message}`, timedOut, aborted });
    });
  });
}
