// `flux-triton check` (the built CLI) on the golden FLUX repository and on copies of it
// with one defect each, and the contract table against the golden configs, the task
// prompts and the agent prompts: the three places a tensor name is written down.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadProject } from '../../src/config/project.js';
import { parseContractTable } from '../../src/triton/contract.js';
import { loadRepository } from '../../src/triton/repository.js';
import { declaredTensors } from '../../src/triton/tensorInfo.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli', 'main.js');
const GOLDEN = path.join(ROOT, 'tasks', 'golden', 'triton_models');
const CONTRACT = path.join(ROOT, 'tasks', 'context', 'tensor_contract.md');

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function check(repoDir: string, ...extra: string[]): CliResult {
  const result = spawnSync(process.execPath, [CLI, 'check', repoDir, '--contract', CONTRACT, ...extra], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface JsonFinding {
  severity: 'error' | 'warning' | 'info';
  code: string;
  file: string;
  line?: number;
  message: string;
}
interface JsonReport {
  findings: JsonFinding[];
  models: string[];
  pythonAvailable: boolean;
  summary: { errors: number; warnings: number; infos: number };
}

function checkJson(repoDir: string): { code: number | null; report: JsonReport } {
  const { code, stdout } = check(repoDir, '--json');
  return { code, report: JSON.parse(stdout) as JsonReport };
}

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the golden repository with `edit` applied to one file (which must change). */
function defective(file: string, edit: (text: string) => string): { repo: string; file: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'flux-golden-defect-'));
  temps.push(dir);
  const repo = path.join(dir, 'triton_models');
  cpSync(GOLDEN, repo, { recursive: true });
  const target = path.join(repo, file);
  const before = readFileSync(target, 'utf8');
  const after = edit(before);
  expect(after, `the edit of ${file} changed nothing`).not.toBe(before);
  writeFileSync(target, after);
  return { repo, file: target };
}

/** 1-based line of the first line of `file` containing `needle`. */
function lineOf(file: string, needle: string): number {
  const index = readFileSync(file, 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(needle));
  expect(index, `${needle} not found in ${file}`).toBeGreaterThanOrEqual(0);
  return index + 1;
}

function errorsOf(report: JsonReport): JsonFinding[] {
  return report.findings.filter((f) => f.severity === 'error');
}

/** The finding names the file (as shown, relative to the cwd or absolute) and the line. */
function expectErrorAt(result: { code: number | null; report: JsonReport }, file: string, line: number, code?: RegExp): void {
  expect(result.code).toBe(1);
  const errors = errorsOf(result.report);
  expect(errors.length).toBeGreaterThan(0);
  const shown = (f: JsonFinding): string => path.resolve(ROOT, f.file);
  const hit = errors.find((f) => shown(f) === path.resolve(file) && f.line === line && (!code || code.test(f.code)));
  expect(hit, `no error at ${file}:${line}; errors: ${JSON.stringify(errors, null, 2)}`).toBeDefined();
}

describe('flux-triton check on the golden repository', () => {
  it('passes with no errors, no warnings and no info', () => {
    const { code, stdout } = check(GOLDEN);
    expect(code).toBe(0);
    // 0 info: every tensor name in the five model.py files is decided, i.e. checked.
    expect(stdout).toMatch(/^0 errors, 0 warnings, 0 info in 5 models$/m);
    expect(stdout).not.toMatch(/: (error|warning) \[/);
    expect(stdout.endsWith('\n')).toBe(true);
  });

  it('--json is one JSON document with zero errors', () => {
    const { code, report } = checkJson(GOLDEN);
    expect(code).toBe(0);
    expect(typeof report).toBe('object');
    expect(report.summary.errors).toBe(0);
    expect(report.summary.warnings).toBe(0);
    expect(errorsOf(report)).toEqual([]);
    expect([...report.models].sort()).toEqual(['bls', 'clip_encoder', 'dit_transformer', 't5_encoder', 'vae_decoder']);
    expect(report.pythonAvailable).toBe(true);
  });
});

describe('flux-triton check on a golden copy with one defect', () => {
  it('platform: "python" in bls', () => {
    const { repo, file } = defective('bls/config.pbtxt', (t) => t.replace('backend: "python"', 'platform: "python"'));
    const result = checkJson(repo);
    expectErrorAt(result, file, lineOf(file, 'platform: "python"'), /platform/);
    expect(check(repo).stdout).toMatch(/bls\/config\.pbtxt:\d+:\d+: error \[config\.platform-python\]/);
  });

  it('an input renamed in the dit_transformer config', () => {
    const { repo, file } = defective('dit_transformer/config.pbtxt', (t) => t.replace('name: "timestep"', 'name: "timesteps"'));
    const result = checkJson(repo);
    expectErrorAt(result, file, lineOf(file, 'name: "timesteps"'), /^contract\./);
    // ...and the missing contract tensor is named.
    expect(errorsOf(result.report).some((f) => f.message.includes('"timestep"'))).toBe(true);
  });

  it('an output dtype changed in clip_encoder', () => {
    const { repo, file } = defective('clip_encoder/config.pbtxt', (t) => t.replace(/(name: "pooled_embeds", data_type: )TYPE_FP32/, '$1TYPE_FP16'));
    const result = checkJson(repo);
    expectErrorAt(result, file, lineOf(file, 'TYPE_FP16'), /dtype/);
  });

  // The golden model.py files name every tensor with a string literal at the pb_utils call
  // site, so a rename at a real call site is caught (the checker decides every name: 0 info).
  it('a BLS InferenceRequest input renamed at a call site in bls/1/model.py', () => {
    const { repo, file } = defective('bls/1/model.py', (t) =>
      t.replace('pb_utils.Tensor.from_dlpack("input_ids", dlpack(clip_ids))', 'pb_utils.Tensor.from_dlpack("input_idz", dlpack(clip_ids))'),
    );
    const result = checkJson(repo);
    expectErrorAt(result, file, lineOf(file, 'from_dlpack("input_idz"'), /^bls\.unknown-input$/);
    // ...and the request no longer sends clip_encoder's required input_ids.
    expectErrorAt(result, file, lineOf(file, 'clip = pb_utils.InferenceRequest('), /^bls\.missing-input$/);
  });

  it('a BLS response output renamed at a call site in bls/1/model.py', () => {
    const { repo, file } = defective('bls/1/model.py', (t) =>
      t.replace('get_output_tensor_by_name(dit, "noise_pred")', 'get_output_tensor_by_name(dit, "noise_preds")'),
    );
    expectErrorAt(checkJson(repo), file, lineOf(file, '"noise_preds"'), /^bls\.unknown-output$/);
  });

  it('a BLS response output read by a name built at run time is reported as undecided, not passed', () => {
    const { repo, file } = defective('bls/1/model.py', (t) =>
      t.replace('get_output_tensor_by_name(dit, "noise_pred")', 'get_output_tensor_by_name(dit, "noise_" + "pred".strip())'),
    );
    const result = checkJson(repo);
    const line = lineOf(file, '"noise_" + "pred".strip()');
    expect(result.report.findings.some((f) => f.severity === 'info' && f.code === 'bls.undecidable' && f.line === line)).toBe(true);
  });

  it('an input renamed at its get_input_tensor_by_name call in dit_transformer/1/model.py', () => {
    const { repo, file } = defective('dit_transformer/1/model.py', (t) =>
      t.replace('get_input_tensor_by_name(request, "txt_ids")', 'get_input_tensor_by_name(request, "text_ids")'),
    );
    const result = checkJson(repo);
    expectErrorAt(result, file, lineOf(file, '"text_ids")'), /^python\.unknown-input$/);
    // Every other name is decided, so the unread txt_ids is a warning, not an info.
    expect(result.report.findings.some((f) => f.severity === 'warning' && f.code === 'python.input-not-read' && f.message.includes('"txt_ids"'))).toBe(true);
  });

  it('an output renamed where vae_decoder/1/model.py builds it', () => {
    const { repo, file } = defective('vae_decoder/1/model.py', (t) =>
      t.replace('pb_utils.Tensor.from_dlpack("image", ', 'pb_utils.Tensor.from_dlpack("images", '),
    );
    expectErrorAt(checkJson(repo), file, lineOf(file, 'pb_utils.Tensor.from_dlpack("images", '), /^python\.unknown-output$/);
  });
});

// ------------------------------------------------------------------ contract vs prompts

describe('the contract, the golden configs and the prompts agree', () => {
  const rows = parseContractTable(readFileSync(CONTRACT, 'utf8'));
  const repository = loadRepository(GOLDEN, ROOT);
  const project = loadProject({ graphFile: path.join(ROOT, 'tasks', 'flux-triton.yaml'), agentsDir: path.join(ROOT, 'agents') });
  const graph = project.graph;
  if (!graph) throw new Error('the FLUX graph did not load');
  const writerOf = (output: string) => graph.tasks.find((t) => t.outputs.includes(output));

  it('the contract has the 21 rows the FLUX job defines', () => {
    expect(rows).toHaveLength(21);
    const perModel = (m: string): number => rows.filter((r) => r.model === m).length;
    expect([perModel('clip_encoder'), perModel('t5_encoder'), perModel('dit_transformer'), perModel('vae_decoder'), perModel('bls')]).toEqual([2, 2, 8, 2, 7]);
  });

  it.each(rows.map((r) => [`${r.model} ${r.direction} ${r.name} ${r.dataType}`, r] as const))('%s: declared by the golden config', (_, row) => {
    const model = repository.models.find((m) => m.name === row.model);
    expect(model, `golden has no model ${row.model}`).toBeDefined();
    const declared = declaredTensors(model as NonNullable<typeof model>, row.direction).find((t) => t.name === row.name);
    expect(declared, `${row.model}/config.pbtxt does not declare ${row.direction} ${row.name}`).toBeDefined();
    expect(declared?.dataType).toBe(row.dataType);
    expect(declared?.dims).toEqual(row.dims);
  });

  it.each(rows.map((r) => [`${r.model} ${r.direction} ${r.name}`, r] as const))('%s: named by the config task prompt or the owning agent', (_, row) => {
    const configTask = writerOf(`triton_models/${row.model}/config.pbtxt`);
    const modelTask = writerOf(`triton_models/${row.model}/1/model.py`);
    expect(configTask, `no task writes triton_models/${row.model}/config.pbtxt`).toBeDefined();
    expect(modelTask, `no task writes triton_models/${row.model}/1/model.py`).toBeDefined();
    const owner = project.agents.get(modelTask?.agent ?? '');
    const places = [
      { where: `${configTask?.id} prompt`, text: configTask?.prompt ?? '' },
      { where: `agents/${owner?.name}.md`, text: owner?.prompt ?? '' },
    ];
    const named = places.filter((p) => new RegExp(`\\b${row.name}\\b`).test(p.text));
    expect(
      named.map((p) => p.where),
      `${row.name} is in neither ${places.map((p) => p.where).join(' nor ')}`,
    ).not.toEqual([]);
    // The config task, which writes the declaration, gives the same dtype.
    const shortType = row.dataType.replace(/^TYPE_/, '');
    const configPrompt = configTask?.prompt ?? '';
    const mention = new RegExp(`\`${row.name}\`[^\\n]*?(TYPE_)?${shortType}\\b`);
    const allFp32 = /all TYPE_FP32/.test(configPrompt) && shortType === 'FP32';
    expect(mention.test(configPrompt) || allFp32, `${configTask?.id} prompt does not give ${row.name} as ${row.dataType}`).toBe(true);
  });

  it('the model task prompts name the tensors their model.py reads and writes', () => {
    const missing: string[] = [];
    for (const row of rows) {
      const modelTask = writerOf(`triton_models/${row.model}/1/model.py`);
      if (!new RegExp(`\\b${row.name}\\b`).test(modelTask?.prompt ?? '')) missing.push(`${modelTask?.id}: ${row.model} ${row.name}`);
    }
    expect(missing).toEqual([]);
  });
});
