// Runs a task's verify list in order and turns failures into the message the agent
// reads in the repair loop.
import type { VerifySpec } from '../config/types.js';
import { runCommandCheck } from './commandCheck.js';
import { runJUnitCheck } from './junitCheck.js';
import { missingPythonModules } from './python.js';
import { runPbtxtCheck, runPythonSyntaxCheck, runTritonContractCheck } from './tritonChecks.js';
import type { CheckResult, VerifyContext } from './types.js';

export function describeCheck(spec: VerifySpec): string {
  if (spec.kind === 'run') return `run: ${spec.run}`;
  const target = spec.model ?? spec.path;
  return target ? `${spec.check} ${target}` : spec.check;
}

async function runOne(spec: VerifySpec, ctx: VerifyContext): Promise<CheckResult> {
  // Any check may name the Python modules it needs; missing ones make it skipped, never passed.
  if (spec.requires && spec.requires.length > 0) {
    const missing = await missingPythonModules(ctx.python, spec.requires);
    if (missing.length > 0) {
      return {
        name: describeCheck(spec),
        status: 'skipped',
        output: '',
        reason: `${missing.join(', ')} not installed for ${ctx.python} (run scripts/setup-python.sh, or set FLUX_TRITON_PYTHON)`,
        durationMs: 0,
      };
    }
  }
  if (spec.kind === 'run') return runCommandCheck(spec, ctx);
  switch (spec.check) {
    case 'pbtxt':
      return runPbtxtCheck(spec, ctx);
    case 'python-syntax':
      return runPythonSyntaxCheck(spec, ctx);
    case 'triton-contract':
      return runTritonContractCheck(spec, ctx);
    case 'junit':
      return runJUnitCheck(spec, ctx);
  }
}

/** Every check runs (a failure does not hide the later ones); an exception becomes a failure. */
export async function runChecks(specs: readonly VerifySpec[], ctx: VerifyContext): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const spec of specs) {
    if (ctx.signal?.aborted) break;
    const producer = skippedProducer(spec, specs, results);
    if (producer) {
      results.push({
        name: describeCheck(spec),
        status: 'skipped',
        output: '',
        reason: `the command that writes ${spec.kind === 'builtin' ? spec.path : ''} was skipped (${producer.reason ?? 'no reason given'})`,
        durationMs: 0,
      });
      continue;
    }
    try {
      results.push(await runOne(spec, ctx));
    } catch (error) {
      results.push({
        name: describeCheck(spec),
        status: 'failed',
        output: `The check itself crashed: ${(error as Error).message}`,
        durationMs: 0,
      });
    }
  }
  return results;
}

/**
 * A junit check reads what an earlier `run` check wrote; when that command was skipped,
 * whatever file is there is not its result (an agent's own run, or a stale one), so the
 * junit check is skipped too rather than judged.
 */
function skippedProducer(spec: VerifySpec, specs: readonly VerifySpec[], results: readonly CheckResult[]): CheckResult | undefined {
  if (spec.kind !== 'builtin' || spec.check !== 'junit' || !spec.path) return undefined;
  const junitPath = spec.path;
  return results.find((result, i) => {
    const earlier = specs[i];
    return result.status === 'skipped' && earlier?.kind === 'run' && earlier.run.includes(junitPath);
  });
}

export function checksPassed(results: readonly CheckResult[]): boolean {
  return results.every((r) => r.status !== 'failed');
}

/** The user message that sends failed checks back into the same conversation. */
export function formatRepairMessage(results: readonly CheckResult[], attempt: number, maxAttempts: number): string {
  const failed = results.filter((r) => r.status === 'failed');
  const sections = failed.map((r) => `### ${r.name}\n${r.output.trim() || '(no output)'}`);
  return [
    `Verification failed (repair ${attempt} of ${maxAttempts}). ${failed.length} check(s) did not pass:`,
    '',
    ...sections,
    '',
    'Fix these problems in your output files (only the files your task owns can be written), then end your turn. The checks run again when you finish.',
  ].join('\n');
}
