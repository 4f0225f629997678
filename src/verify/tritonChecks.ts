// The built-in Triton checks of a task's verify list (`pbtxt`, `python-syntax`,
// `triton-contract`), as thin adapters over src/triton. Output is written for a model in
// a repair loop: every finding as file:line:col with what is wrong and how to fix it.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { VerifySpec } from '../config/types.js';
import { checkRepository, formatFindings, type CheckReport, type Finding } from '../triton/index.js';
import { analysePythonFiles } from '../triton/pythonAnalysis.js';
import { compileGlob } from '../util/glob.js';
import type { CheckResult, VerifyContext } from './types.js';

type BuiltinSpec = Extract<VerifySpec, { kind: 'builtin' }>;

const REPO_DIR = 'triton_models';
const SKIP_DIRS = new Set(['.git', 'node_modules', '__pycache__', '.venv']);

/** Workspace-relative paths of files under `dir` that match one of the task's output globs. */
function outputFiles(ctx: VerifyContext, accept: (rel: string) => boolean): string[] {
  const matchers = ctx.task.outputs.map((g) => compileGlob(g));
  const found: string[] = [];
  const walk = (abs: string, rel: string): void => {
    let entries: string[];
    try {
      entries = readdirSync(abs);
    } catch {
      return;
    }
    for (const entry of entries.sort()) {
      if (SKIP_DIRS.has(entry)) continue;
      const childAbs = path.join(abs, entry);
      const childRel = rel === '' ? entry : `${rel}/${entry}`;
      let isDir = false;
      try {
        isDir = statSync(childAbs).isDirectory();
      } catch {
        continue;
      }
      if (isDir) walk(childAbs, childRel);
      else if (accept(childRel) && matchers.some((m) => m(childRel))) found.push(childRel);
    }
  };
  walk(ctx.workspaceDir, '');
  return found;
}

function result(name: string, started: number, report: CheckReport, intro: string): CheckResult {
  const failed = report.findings.some((f) => f.severity === 'error');
  const output = `${intro}\n${formatFindings(report)}`;
  return { name, status: failed ? 'failed' : 'passed', output, durationMs: Date.now() - started };
}

const checkName = (spec: BuiltinSpec): string => (spec.model ? `${spec.check} ${spec.model}` : spec.check);

/** config.pbtxt files among the task's outputs (or spec.model's): syntax, schema, load-time rules. */
export async function runPbtxtCheck(spec: BuiltinSpec, ctx: VerifyContext): Promise<CheckResult> {
  const started = Date.now();
  const name = checkName(spec);
  const models = new Set<string>();
  for (const rel of outputFiles(ctx, (p) => p.startsWith(`${REPO_DIR}/`) && p.endsWith('/config.pbtxt'))) {
    const parts = rel.split('/');
    if (parts.length === 3) models.add(parts[1] as string);
  }
  if (spec.model) models.add(spec.model);
  if (models.size === 0) {
    return { name, status: 'skipped', output: '', reason: `no ${REPO_DIR}/<model>/config.pbtxt among the task outputs`, durationMs: Date.now() - started };
  }
  const report = await checkRepository(path.join(ctx.workspaceDir, REPO_DIR), {
    models: [...models],
    baseDir: ctx.workspaceDir,
    skipPython: true,
  });
  // A configs task runs before any model.py exists; the code's absence is not its fault.
  report.findings = report.findings.filter((f) => f.code !== 'repo.model-py-missing' && f.code !== 'repo.no-version-dir');
  report.notes = [];
  return result(name, started, report, `Checked ${[...models].map((m) => `${REPO_DIR}/${m}/config.pbtxt`).join(', ')}.`);
}

/** .py files among the task's outputs: Python syntax, and the TritonPythonModel skeleton for model.py. */
export async function runPythonSyntaxCheck(spec: BuiltinSpec, ctx: VerifyContext): Promise<CheckResult> {
  const started = Date.now();
  const name = checkName(spec);
  const files = outputFiles(ctx, (p) => p.endsWith('.py'));
  if (files.length === 0) {
    return { name, status: 'skipped', output: '', reason: 'no .py files among the task outputs', durationMs: Date.now() - started };
  }
  const run = await analysePythonFiles(
    ctx.python,
    files.map((f) => path.join(ctx.workspaceDir, f)),
  );
  if (!run.ok) {
    return { name, status: 'skipped', output: '', reason: run.reason, durationMs: Date.now() - started };
  }
  const findings: Finding[] = [];
  for (const file of files) {
    const a = run.files.get(path.join(ctx.workspaceDir, file));
    if (a?.syntax_error) {
      findings.push({
        severity: 'error',
        code: 'python.syntax',
        file,
        line: a.syntax_error.line,
        column: a.syntax_error.col,
        message: `Python syntax error: ${a.syntax_error.message}`,
        hint: 'fix the syntax at this position',
      });
    } else if (a && file.startsWith(`${REPO_DIR}/`) && file.endsWith('/model.py')) {
      if (!a.model_class) {
        findings.push({
          severity: 'error',
          code: 'python.no-model-class',
          file,
          line: 1,
          column: 1,
          message: 'no class TritonPythonModel',
          hint: 'define class TritonPythonModel with execute(self, requests)',
        });
      } else if (!a.execute) {
        findings.push({
          severity: 'error',
          code: 'python.no-execute',
          file,
          line: a.model_class.line,
          column: a.model_class.col,
          message: 'TritonPythonModel has no execute method',
          hint: 'add def execute(self, requests)',
        });
      }
    }
  }
  const report: CheckReport = { findings, models: [], pythonAvailable: true, notes: [] };
  return result(name, started, report, `Checked ${files.join(', ')}.`);
}

/** One model's config + code against itself, its BLS callees and tensor_contract.md. */
export async function runTritonContractCheck(spec: BuiltinSpec, ctx: VerifyContext): Promise<CheckResult> {
  const started = Date.now();
  const name = checkName(spec);
  if (!spec.model) {
    return { name, status: 'failed', output: 'triton-contract needs `model: <name>` in the verify entry.', durationMs: 0 };
  }
  const repoDir = path.join(ctx.workspaceDir, REPO_DIR);
  const models = [spec.model];
  // A BLS model is checked together with every model it may call.
  const py = path.join(repoDir, spec.model, '1', 'model.py');
  if (existsSync(py) && readFileSync(py, 'utf8').includes('InferenceRequest')) {
    for (const entry of readdirSync(repoDir)) {
      if (entry !== spec.model && existsSync(path.join(repoDir, entry, 'config.pbtxt'))) models.push(entry);
    }
  }
  const contract = path.join(ctx.workspaceDir, 'tensor_contract.md');
  const report = await checkRepository(repoDir, {
    models,
    python: ctx.python,
    baseDir: ctx.workspaceDir,
    ...(existsSync(contract) ? { contractFile: contract } : {}),
  });
  const out = result(name, started, report, `Checked model ${spec.model}${models.length > 1 ? ` and its callees ${models.slice(1).join(', ')}` : ''}.`);
  if (out.status === 'passed' && !report.pythonAvailable) {
    return { ...out, status: 'skipped', reason: `${ctx.python} is not available; only the config was checked` };
  }
  return out;
}
