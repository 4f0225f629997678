// Static checks for a Triton python-backend model repository: config.pbtxt syntax and
// schema, Triton's load-time rules, model.py against its config, BLS calls against the
// called models, and the cross-model tensor contract.
import { checkBlsFlows, checkContractTable } from './contract.js';
import { runLoadTimeRules } from './configChecks.js';
import type { CheckReport, Finding } from './findings.js';
import type { LoadedModel } from './model.js';
import { analysePythonFiles, type PyFileAnalysis } from './pythonAnalysis.js';
import { checkBlsRequests, checkOwnTensors, checkPythonSkeleton } from './pythonChecks.js';
import { loadRepository } from './repository.js';
import { sortDiagnostics } from '../util/diagnostic.js';

export type { CheckReport, Finding, FindingSeverity } from './findings.js';
export { formatFindings, reportToJson } from './format.js';
export { checkContractTable, parseContractTable } from './contract.js';
export { parsePbtxt, printPbtxt, PbtxtParseError } from './pbtxt/index.js';
export { checkConfigText, loadRepository } from './repository.js';

export interface CheckOptions {
  /** Only report on these models (the others are still loaded, as BLS callees). */
  models?: string[];
  /** Python interpreter for the model.py analysis (default `python3`). */
  python?: string;
  /** A Markdown contract table (tensor_contract.md) to check the configs against. */
  contractFile?: string;
  /** Finding paths are shown relative to this directory (default: the current directory). */
  baseDir?: string;
  /** Skip the model.py analysis entirely (config-only checks). */
  skipPython?: boolean;
}

export async function checkRepository(repoDir: string, opts: CheckOptions = {}): Promise<CheckReport> {
  const baseDir = opts.baseDir ?? process.cwd();
  const repo = loadRepository(repoDir, baseDir);
  const byName = new Map(repo.models.map((m) => [m.name, m]));
  const findings: Finding[] = [...(repo.findings.get('') ?? [])];
  const notes: string[] = [];
  const selected: LoadedModel[] = [];
  for (const name of opts.models ?? repo.models.map((m) => m.name)) {
    const model = byName.get(name);
    if (model) selected.push(model);
    else {
      findings.push({
        severity: 'error',
        code: 'repo.model-missing',
        file: repoDir,
        message: `model "${name}" is not in the repository`,
        hint: `create ${name}/config.pbtxt and ${name}/1/model.py`,
      });
    }
  }
  for (const model of selected) {
    findings.push(...(repo.findings.get(model.name) ?? []));
    findings.push(...runLoadTimeRules(model));
  }

  let pythonAvailable = false;
  const withCode = selected.filter((m) => m.pythonPath !== undefined);
  if (opts.skipPython) {
    notes.push('Python checks skipped on request');
  } else {
    const python = opts.python ?? 'python3';
    const run = await analysePythonFiles(
      python,
      withCode.map((m) => m.pythonPath as string),
    );
    if (run.ok) {
      pythonAvailable = true;
      for (const model of withCode) {
        const analysis: PyFileAnalysis | undefined = run.files.get(model.pythonPath as string);
        if (!analysis) continue;
        if (!checkPythonSkeleton(model, analysis, findings)) continue;
        findings.push(...checkOwnTensors(model, analysis, byName));
        findings.push(...checkBlsRequests(model, analysis, byName));
        findings.push(...checkBlsFlows(model, analysis, byName));
      }
    } else {
      notes.push(
        run.missing
          ? `${python} not found: the model.py checks (syntax, tensor names, BLS calls) were skipped; config checks ran`
          : `the model.py analysis failed (${run.reason}); config checks ran`,
      );
    }
  }
  if (opts.contractFile) {
    findings.push(...checkContractTable(repo, opts.contractFile, { models: selected.map((m) => m.name), baseDir }));
  }
  return { findings: sortDiagnostics(findings), models: selected.map((m) => m.name), pythonAvailable, notes };
}
