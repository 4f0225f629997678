import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkContractTable, checkRepository, formatFindings, reportToJson } from '../../src/triton/index.js';
import { CLEAN, CONTRACT, copyClean, edit, errors, lineOf, PYTHON } from './helpers.js';

describe('clean repository', () => {
  it('has no errors and no warnings, with the contract table', async () => {
    const report = await checkRepository(CLEAN, { contractFile: CONTRACT, python: PYTHON });
    const serious = report.findings.filter((f) => f.severity !== 'info');
    expect(serious, formatFindings(report)).toEqual([]);
    expect(report.models).toEqual(['bls', 'clip_encoder', 'dit_transformer', 't5_encoder', 'vae_decoder']);
    expect(report.pythonAvailable).toBe(true);
    expect(report.notes).toEqual([]);
  });

  it('formats a summary line and valid JSON', async () => {
    const report = await checkRepository(CLEAN, { python: PYTHON });
    expect(formatFindings(report)).toMatch(/0 errors, 0 warnings, \d+ info in 5 models$/);
    expect(JSON.parse(reportToJson(report)).summary.errors).toBe(0);
  });
});

type Case = {
  label: string;
  file: string;
  from: string;
  to: string;
  code: string;
  /** The finding's file (defaults to `file`) and the text whose line it must point at (defaults to the edit). */
  at?: { file?: string; needle?: string };
};

const CASES: Case[] = [
  { label: 'platform: "python"', file: 'bls/config.pbtxt', from: 'backend: "python"', to: 'platform: "python"', code: 'config.platform-python' },
  { label: 'misspelled max_batch_sise', file: 'clip_encoder/config.pbtxt', from: 'max_batch_size: 8', to: 'max_batch_sise: 8', code: 'pbtxt.unknown-field' },
  {
    label: 'invented warmup field',
    file: 'vae_decoder/config.pbtxt',
    from: '  batch_size: 1\n',
    to: '  batch_size: 1\n  warmup_steps: 3\n',
    code: 'pbtxt.unknown-field',
    at: { needle: 'warmup_steps' },
  },
  { label: 'name does not match directory', file: 't5_encoder/config.pbtxt', from: 'name: "t5_encoder"', to: 'name: "t5"', code: 'config.name-mismatch' },
  { label: 'dims [0]', file: 'dit_transformer/config.pbtxt', from: 'dims: [ 768 ]', to: 'dims: [ 0 ]', code: 'config.dims-invalid' },
  { label: 'dims [-2]', file: 'clip_encoder/config.pbtxt', from: 'dims: [ 77 ]\n  }', to: 'dims: [ -2 ]\n  }', code: 'config.dims-invalid' },
  {
    label: 'preferred_batch_size > max_batch_size',
    file: 'clip_encoder/config.pbtxt',
    from: 'preferred_batch_size: [ 4, 8 ]',
    to: 'preferred_batch_size: [ 4, 16 ]',
    code: 'config.preferred-batch-size',
  },
  {
    label: 'warmup batch_size > max_batch_size',
    file: 'clip_encoder/config.pbtxt',
    from: '    batch_size: 1',
    to: '    batch_size: 9',
    code: 'config.warmup-batch-size',
  },
  {
    label: 'warmup input without a data source',
    file: 'vae_decoder/config.pbtxt',
    from: '      random_data: true\n',
    to: '',
    code: 'config.warmup-no-data',
    at: { needle: '    value {' },
  },
  { label: 'warmup dims with -1', file: 'vae_decoder/config.pbtxt', from: 'dims: [ 16, 8, 8 ]', to: 'dims: [ 16, -1, 8 ]', code: 'config.warmup-dims' },
  { label: 'duplicate input names', file: 'dit_transformer/config.pbtxt', from: '{ name: "txt_ids"', to: '{ name: "img_ids"', code: 'config.duplicate-tensor' },
  {
    label: 'KIND_CPU with gpus',
    file: 'bls/config.pbtxt',
    from: '{ kind: KIND_CPU, count: 1 }',
    to: '{ kind: KIND_CPU, count: 1, gpus: [ 0 ] }',
    code: 'config.instance-group-gpus',
  },
  {
    label: 'quoted enum',
    file: 'vae_decoder/config.pbtxt',
    from: 'data_type: TYPE_FP32\n    dims: [ 16, -1, -1 ]',
    to: 'data_type: "TYPE_FP32"\n    dims: [ 16, -1, -1 ]',
    code: 'pbtxt.quoted-enum',
  },
  {
    label: 'EXECUTION_ENV_PATH escaping the model dir',
    file: 'bls/config.pbtxt',
    from: 'parameters { key: "variant"',
    to: 'parameters { key: "EXECUTION_ENV_PATH" value: { string_value: "$$TRITON_MODEL_DIRECTORY/../env.tar.gz" } }\nparameters { key: "variant"',
    code: 'config.execution-env-path',
    at: { needle: 'EXECUTION_ENV_PATH' },
  },
  {
    label: 'BF16 input read with as_numpy',
    file: 'vae_decoder/config.pbtxt',
    from: 'data_type: TYPE_FP32\n    dims: [ 16, -1, -1 ]',
    to: 'data_type: TYPE_BF16\n    dims: [ 16, -1, -1 ]',
    code: 'python.bf16-as-numpy',
    at: { file: 'vae_decoder/1/model.py', needle: 'pb_utils.get_input_tensor_by_name(request, "latents")' },
  },
  {
    label: 'input read that the config does not declare',
    file: 'vae_decoder/1/model.py',
    from: '(request, "latents")',
    to: '(request, "latent")',
    code: 'python.unknown-input',
  },
  {
    label: 'output produced that the config does not declare',
    file: 'vae_decoder/1/model.py',
    from: 'pb_utils.Tensor("image", image)',
    to: 'pb_utils.Tensor("images", image)',
    code: 'python.unknown-output',
  },
  {
    label: 'BLS sends an input the callee does not declare',
    file: 'bls/1/model.py',
    from: 'pb_utils.Tensor("img_ids", img_ids)',
    to: 'pb_utils.Tensor("image_ids", img_ids)',
    code: 'bls.unknown-input',
  },
  {
    label: 'BLS request missing a required input',
    file: 'bls/1/model.py',
    from: '                    pb_utils.Tensor("txt_ids", txt_ids),\n',
    to: '',
    code: 'bls.missing-input',
    at: { needle: 'dit_response = pb_utils.InferenceRequest(' },
  },
  {
    label: 'BLS calls an unknown model',
    file: 'bls/1/model.py',
    from: 'model_name="dit_transformer"',
    to: 'model_name="dit_transfomer"',
    code: 'bls.unknown-model',
    at: { needle: 'dit_response = pb_utils.InferenceRequest(' },
  },
  {
    label: 'BLS requests an output the callee does not declare',
    file: 'bls/1/model.py',
    from: 'requested_output_names=["image"]',
    to: 'requested_output_names=["images"]',
    code: 'bls.unknown-output',
    at: { needle: 'vae_request = pb_utils.InferenceRequest(' },
  },
  {
    label: 'output dtype differs from the consuming input',
    file: 'clip_encoder/config.pbtxt',
    from: 'data_type: TYPE_FP32',
    to: 'data_type: TYPE_FP16',
    code: 'contract.dtype-mismatch',
    at: { file: 'bls/1/model.py', needle: 'pb_utils.Tensor("pooled_projections"' },
  },
  {
    label: 'output shape differs from the consuming input',
    file: 't5_encoder/config.pbtxt',
    from: 'dims: [ -1, 4096 ]',
    to: 'dims: [ -1, 768 ]',
    code: 'contract.shape-mismatch',
    at: { file: 'bls/1/model.py', needle: 'pb_utils.Tensor.from_dlpack("encoder_hidden_states"' },
  },
  {
    label: 'Python syntax error',
    file: 't5_encoder/1/model.py',
    from: 'def execute(self, requests):',
    to: 'def execute(self, requests)',
    code: 'python.syntax',
  },
  {
    label: 'no TritonPythonModel class',
    file: 'vae_decoder/1/model.py',
    from: 'class TritonPythonModel:',
    to: 'class VaeModel:',
    code: 'python.no-model-class',
    at: { needle: '"""VAE decoder' },
  },
];

describe.concurrent('broken copies: one defect, one finding', () => {
  for (const c of CASES) {
    it(c.label, async () => {
      const repo = copyClean();
      const editLine = edit(repo, c.file, c.from, c.to);
      const report = await checkRepository(repo, { baseDir: repo, python: PYTHON });
      const file = c.at?.file ?? c.file;
      const line = c.at?.needle ? lineOf(repo, file, c.at.needle) : editLine;
      const match = report.findings.filter((f) => f.code === c.code);
      expect(match, formatFindings(report)).toHaveLength(1);
      expect(match[0]).toMatchObject({ file, line });
      expect(match[0]?.message.length).toBeGreaterThan(10);
      // One defect may have a few consequences (a misspelled max_batch_size leaves it 0),
      // but never a flood.
      expect(errors(report.findings).length, formatFindings(report)).toBeLessThanOrEqual(4);
    });
  }

  it('suggests the closest field, model and input names', async () => {
    const repo = copyClean();
    edit(repo, 'clip_encoder/config.pbtxt', 'max_batch_size: 8', 'max_batch_sise: 8');
    edit(repo, 'bls/1/model.py', 'model_name="dit_transformer"', 'model_name="dit_transfomer"');
    const report = await checkRepository(repo, { baseDir: repo, python: PYTHON });
    expect(report.findings.find((f) => f.code === 'pbtxt.unknown-field')?.hint).toBe("did you mean 'max_batch_size'?");
    expect(report.findings.find((f) => f.code === 'bls.unknown-model')?.hint).toBe('did you mean "dit_transformer"?');
  });

  it('dynamic_batching with max_batch_size 0 is a warning', async () => {
    const repo = copyClean();
    edit(repo, 'vae_decoder/config.pbtxt', 'max_batch_size: 4', 'max_batch_size: 0');
    const report = await checkRepository(repo, { baseDir: repo, models: ['vae_decoder'], skipPython: true });
    expect(report.findings.find((f) => f.code === 'config.dynamic-batching-without-batching')?.severity).toBe('warning');
  });

  it('a declared output never produced is an error; a required input never read is a warning', async () => {
    const repo = copyClean();
    edit(repo, 'clip_encoder/config.pbtxt', 'output [\n', 'output [\n  { name: "hidden", data_type: TYPE_FP32, dims: [ 77, 768 ] },\n');
    edit(repo, 'clip_encoder/config.pbtxt', 'input [\n', 'input [\n  { name: "attention_mask", data_type: TYPE_INT64, dims: [ 77 ] },\n');
    const report = await checkRepository(repo, { baseDir: repo, python: PYTHON, models: ['clip_encoder'] });
    expect(report.findings.find((f) => f.code === 'python.output-not-produced')?.severity).toBe('error');
    expect(report.findings.find((f) => f.code === 'python.input-not-read')?.severity).toBe('warning');
  });

  it('a dynamically built name is reported as undecidable, never guessed', async () => {
    const repo = copyClean();
    edit(repo, 'vae_decoder/1/model.py', '(request, "latents")', '(request, "lat" + "ents")');
    const report = await checkRepository(repo, { baseDir: repo, python: PYTHON, models: ['vae_decoder'] });
    expect(report.findings.some((f) => f.code === 'python.undecidable' && f.severity === 'info')).toBe(true);
    expect(report.findings.some((f) => f.code === 'python.unknown-input')).toBe(false);
    expect(report.findings.find((f) => f.code === 'python.input-not-read')?.severity).toBe('info');
  });
});

describe('python missing', () => {
  it('notes it, skips only the Python checks and still checks configs', async () => {
    const repo = copyClean();
    edit(repo, 'bls/config.pbtxt', 'backend: "python"', 'platform: "python"');
    edit(repo, 'vae_decoder/1/model.py', '(request, "latents")', '(request, "latent")');
    const report = await checkRepository(repo, { baseDir: repo, python: '/nonexistent/python3' });
    expect(report.pythonAvailable).toBe(false);
    expect(report.notes.join('\n')).toMatch(/\/nonexistent\/python3 not found/);
    expect(report.findings.map((f) => f.code)).toEqual(['config.platform-python']);
    expect(formatFindings(report)).toMatch(/Python checks skipped/);
  });
});

describe('contract table', () => {
  it('matches the clean fixtures', () => {
    expect(checkContractTable(CLEAN, CONTRACT)).toEqual([]);
  });

  it('reports each difference at the config line', () => {
    const repo = copyClean();
    const dtLine = edit(repo, 'vae_decoder/config.pbtxt', 'data_type: TYPE_FP32\n    dims: [ 3, -1, -1 ]', 'data_type: TYPE_FP16\n    dims: [ 3, -1, -1 ]');
    const dimsLine = edit(repo, 'clip_encoder/config.pbtxt', 'dims: [ 77 ]\n  }', 'dims: [ 76 ]\n  }');
    edit(repo, 'dit_transformer/config.pbtxt', '{ name: "guidance"', '{ name: "guidance_scale"');
    const findings = checkContractTable(repo, CONTRACT, { baseDir: repo });
    const byCode = (code: string) => findings.filter((f) => f.code === code);
    expect(byCode('contract.dtype')).toMatchObject([{ file: 'vae_decoder/config.pbtxt', line: dtLine }]);
    expect(byCode('contract.dims')).toMatchObject([{ file: 'clip_encoder/config.pbtxt', line: dimsLine }]);
    expect(byCode('contract.tensor-missing')).toHaveLength(1);
    expect(byCode('contract.tensor-extra')).toMatchObject([{ file: 'dit_transformer/config.pbtxt' }]);
    expect(findings.every((f) => f.severity === 'error')).toBe(true);
    expect(findings[0]?.message).toContain(path.basename(CONTRACT));
  });
});
