// `{ run: "<command>" }` checks: a shell command in the workspace, like an agent's Bash
// call but run by the runner, with the chosen Python first on PATH so `python` in a
// command means the interpreter the checks were set up with.
import path from 'node:path';
import { scrubEnv } from '../util/secrets.js';
import { runShellCommand } from '../util/shell.js';
import type { VerifySpec } from '../config/types.js';
import type { CheckResult, VerifyContext } from './types.js';

const DEFAULT_TIMEOUT_SECONDS = 600;
// What goes back to the model must stay readable: the runner keeps the head and the tail.
const MAX_OUTPUT_CHARS = 16_000;

type RunSpec = Extract<VerifySpec, { kind: 'run' }>;

export function checkEnvironment(python: string, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = scrubEnv(base);
  if (python.includes('/')) env.PATH = `${path.dirname(path.resolve(python))}${path.delimiter}${env.PATH ?? ''}`;
  env.PYTHONDONTWRITEBYTECODE = '1';
  env.PYTHONUNBUFFERED = '1';
  return env;
}

export async function runCommandCheck(spec: RunSpec, ctx: VerifyContext): Promise<CheckResult> {
  const name = `run: ${spec.run}`; // the same name describeCheck gives it
  const started = Date.now();
  const timeoutMs = (spec.timeout ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
  let result: Awaited<ReturnType<typeof runShellCommand>>;
  try {
    result = await runShellCommand(spec.run, {
      cwd: ctx.workspaceDir,
      timeoutMs,
      maxOutputChars: MAX_OUTPUT_CHARS,
      signal: ctx.signal,
      env: checkEnvironment(ctx.python, process.env),
    });
  } catch (error) {
    return { name, status: 'failed', output: (error as Error).message, durationMs: Date.now() - started };
  }
  const { output, exitCode, timedOut } = result;
  const durationMs = Date.now() - started;
  if (ctx.signal?.aborted) return { name, status: 'failed', output, reason: 'interrupted', durationMs };
  if (timedOut) return { name, status: 'failed', output: `${output}\n[timed out after ${timeoutMs / 1000} s]`, durationMs };
  return { name, status: exitCode === 0 ? 'passed' : 'failed', output: exitCode === 0 ? output : `${output}\n[exit code ${exitCode}]`, durationMs };
}
