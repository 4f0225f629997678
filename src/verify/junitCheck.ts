// `{ check: junit, path }`: the JUnit XML a testing task's pytest run wrote. It passes
// when the file exists, holds at least one test, and no test failed or errored; its
// parsed summary rides along into the phase report.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { VerifySpec } from '../config/types.js';
import { parseJUnitXml } from './junit.js';
import type { CheckResult, VerifyContext } from './types.js';

type BuiltinSpec = Extract<VerifySpec, { kind: 'builtin' }>;

export async function runJUnitCheck(spec: BuiltinSpec, ctx: VerifyContext): Promise<CheckResult> {
  const started = Date.now();
  const relative = spec.path ?? '';
  const name = `junit ${relative}`;
  let xml: string;
  try {
    xml = await readFile(path.join(ctx.workspaceDir, relative), 'utf8');
  } catch {
    return {
      name,
      status: 'failed',
      output: `${relative} does not exist. Run the tests with --junitxml=${relative} so the results are written there.`,
      durationMs: Date.now() - started,
    };
  }
  let summary: ReturnType<typeof parseJUnitXml>;
  try {
    summary = parseJUnitXml(xml, relative);
  } catch (error) {
    return {
      name,
      status: 'failed',
      output: `${relative} is not readable JUnit XML: ${(error as Error).message}`,
      durationMs: Date.now() - started,
    };
  }
  const broken = summary.cases.filter((c) => c.status === 'failed' || c.status === 'error');
  const lines = [
    `${relative}: ${summary.tests} tests, ${summary.failures} failures, ${summary.errors} errors, ${summary.skipped} skipped`,
    ...broken.map((c) => `  ${c.status.toUpperCase()} ${c.classname ? `${c.classname}::` : ''}${c.name}${c.message ? `: ${c.message}` : ''}`),
  ];
  let status: CheckResult['status'] = 'passed';
  let reason: string | undefined;
  if (summary.failures > 0 || summary.errors > 0) status = 'failed';
  else if (summary.tests === 0) {
    status = 'failed';
    lines.push('No test was collected: the file must hold at least one test.');
  } else if (summary.skipped === summary.tests) {
    status = 'skipped';
    reason = 'every test in the file was skipped';
  }
  return { name, status, output: lines.join('\n'), ...(reason ? { reason } : {}), durationMs: Date.now() - started, junit: summary };
}
