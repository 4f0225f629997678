import { mkdtempSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TaskSpec } from '../../src/config/types.js';
import { analyserScriptPath } from '../../src/triton/pythonAnalysis.js';
import { runPbtxtCheck, runPythonSyntaxCheck, runTritonContractCheck } from '../../src/verify/tritonChecks.js';
import type { VerifyContext } from '../../src/verify/types.js';
import { CLEAN, CONTRACT, edit, PYTHON } from './helpers.js';

function workspace(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'triton-ws-'));
  cpSync(CLEAN, path.join(dir, 'triton_models'), { recursive: true });
  cpSync(CONTRACT, path.join(dir, 'tensor_contract.md'));
  return dir;
}
function ctx(workspaceDir: string, outputs: string[], python = PYTHON): VerifyContext {
  const task: TaskSpec = { id: 'T1', title: 't', phase: 'p', agent: 'a', needs: [], outputs, verify: [], prompt: '', source: { file: 'x' } };
  return { workspaceDir, task, python };
}

describe('verify built-ins', () => {
  it('finds the analyser script from the module URL', () => {
    expect(analyserScriptPath()).toMatch(/src[\\/]triton[\\/]python[\\/]triton_model_check\.py$/);
  });

  it('pbtxt passes on a clean config and fails with file:line and a fix', async () => {
    const ws = workspace();
    const ok = await runPbtxtCheck({ kind: 'builtin', check: 'pbtxt' }, ctx(ws, ['triton_models/bls/config.pbtxt']));
    expect(ok.status).toBe('passed');
    edit(path.join(ws, 'triton_models'), 'bls/config.pbtxt', 'backend: "python"', 'platform: "python"');
    const bad = await runPbtxtCheck({ kind: 'builtin', check: 'pbtxt' }, ctx(ws, ['triton_models/*/config.pbtxt']));
    expect(bad.status).toBe('failed');
    expect(bad.output).toContain('triton_models/bls/config.pbtxt:3:11: error [config.platform-python]');
    expect(bad.output).toContain('hint: replace it with backend: "python" and drop platform');
  });

  it('pbtxt is skipped when the task wrote no config', async () => {
    const r = await runPbtxtCheck({ kind: 'builtin', check: 'pbtxt' }, ctx(workspace(), ['README.md']));
    expect(r.status).toBe('skipped');
  });

  it('python-syntax checks the .py outputs', async () => {
    const ws = workspace();
    writeFileSync(path.join(ws, 'helper.py'), 'def f(:\n  pass\n');
    const r = await runPythonSyntaxCheck({ kind: 'builtin', check: 'python-syntax' }, ctx(ws, ['helper.py', 'triton_models/**/*.py']));
    expect(r.status).toBe('failed');
    expect(r.output).toMatch(/helper\.py:1:\d+: error \[python\.syntax\]/);
    const missing = await runPythonSyntaxCheck({ kind: 'builtin', check: 'python-syntax' }, ctx(ws, ['helper.py'], '/nonexistent/python3'));
    expect(missing.status).toBe('skipped');
  });

  it('triton-contract checks a BLS model with its callees and the contract file', async () => {
    const ws = workspace();
    const spec = { kind: 'builtin' as const, check: 'triton-contract' as const, model: 'bls' };
    const ok = await runTritonContractCheck(spec, ctx(ws, []));
    expect(ok.status, ok.output).toBe('passed');
    expect(ok.name).toBe('triton-contract bls');
    edit(path.join(ws, 'triton_models'), 'dit_transformer/config.pbtxt', '{ name: "timestep"', '{ name: "timesteps"');
    const bad = await runTritonContractCheck(spec, ctx(ws, []));
    expect(bad.status).toBe('failed');
    expect(bad.output).toContain('[bls.unknown-input]');
    expect(bad.output).toContain('[contract.tensor-missing]');
  });
});
