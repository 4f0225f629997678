// The whole FLUX graph, offline: runPipeline with the scripted provider into a temporary
// workspace, checks run by a Python that has no torch. Every task must succeed, commit
// once in dependency order, and record its torch-dependent checks as skipped (with a
// reason naming torch), never as passed, while the static checks pass. Then the built
// CLI's `check` validates what was written, and the run's Mermaid diagrams parse.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunState } from '../../src/events/runState.js';
import { runPipeline, type RunSummary } from '../../src/pipeline/index.js';
import type { CheckResult } from '../../src/verify/types.js';
import { mermaidBlocks, parseFlowchart, parseGantt } from '../mermaid/mermaidParser.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli', 'main.js');
const ALL = ['T006', 'T007', 'T008', 'T009', 'T010', 'T011', 'T012', 'T013', 'T014', 'T015', 'T003', 'T004', 'T005'];
const CONFIG_TASKS: Record<string, string> = { T006: 'bls', T007: 'clip_encoder', T008: 't5_encoder', T009: 'dit_transformer', T010: 'vae_decoder' };
const MODEL_TASKS: Record<string, string> = { T011: 'clip_encoder', T012: 't5_encoder', T013: 'dit_transformer', T014: 'vae_decoder', T015: 'bls' };
const TEST_TASKS: Record<string, string> = { T003: 'tests/test_models.py', T004: 'tests/test_single_prompt.py', T005: 'tests/test_batch.py' };

function hasTorch(python: string): boolean {
  return spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
}

/** The system python3's real executable (not a pyenv shim), or a fresh venv of it when it has torch. */
function pythonWithoutTorch(scratch: string): string {
  const system = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
  if (!hasTorch(system)) return system;
  const venv = path.join(scratch, 'venv-no-torch');
  execFileSync(system, ['-m', 'venv', '--without-pip', venv]);
  return path.join(venv, 'bin', 'python');
}

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8' });
}

let scratch: string;
let python: string;
let summary: RunSummary;
let state: RunState;
let workspace: string;

beforeAll(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), 'flux-offline-run-'));
  python = pythonWithoutTorch(scratch);
  const env: NodeJS.ProcessEnv = { ...process.env, FLUX_TRITON_PYTHON: python };
  delete env.ANTHROPIC_API_KEY;
  workspace = path.join(scratch, 'workspace');
  summary = await runPipeline({
    graphFile: path.join(ROOT, 'tasks', 'flux-triton.yaml'),
    agentsDir: path.join(ROOT, 'agents'),
    workspaceDir: workspace,
    reportsDir: path.join(scratch, 'reports'),
    projectRoot: ROOT,
    provider: 'scripted',
    env,
  });
  state = JSON.parse(readFileSync(path.join(summary.runDir, 'state.json'), 'utf8')) as RunState;
}, 240_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** The checks of a task's last verify attempt (the one that let it through). */
function finalChecks(taskId: string): CheckResult[] {
  const attempts = state.tasks[taskId]?.verify ?? [];
  return attempts[attempts.length - 1]?.results ?? [];
}

function checkNamed(taskId: string, name: string | RegExp): CheckResult {
  const found = finalChecks(taskId).find((r) => (typeof name === 'string' ? r.name === name : name.test(r.name)));
  expect(
    found,
    `${taskId} has no check ${name}; it has ${finalChecks(taskId)
      .map((r) => r.name)
      .join(', ')}`,
  ).toBeDefined();
  return found as CheckResult;
}

function expectSkippedForTorch(result: CheckResult): void {
  expect(result.status, `${result.name} should be skipped, is ${result.status}`).toBe('skipped');
  expect(result.reason ?? '').toMatch(/\btorch\b/);
}

describe('the FLUX graph, run offline without torch', () => {
  it('the checks run with a Python that has no torch', () => {
    expect(hasTorch(python)).toBe(false);
  });

  it('all 13 tasks succeed, with the scripted provider', () => {
    expect(summary.provider).toBe('scripted');
    expect(summary.status).toBe('succeeded');
    expect(Object.keys(summary.tasks).sort()).toEqual([...ALL].sort());
    for (const id of ALL) expect(summary.tasks[id], id).toBe('succeeded');
    for (const id of ALL) expect(state.tasks[id]?.verify.at(-1)?.passed, `${id}'s last verify attempt`).toBe(true);
  });

  it('13 task commits, in dependency order', () => {
    const subjects = git(workspace, 'log', '--reverse', '--format=%s').trim().split('\n');
    const order = subjects.map((s) => /^(T\d{3}): /.exec(s)?.[1]).filter((id): id is string => id !== undefined);
    expect(order).toHaveLength(13);
    expect([...order].sort()).toEqual([...ALL].sort());
    const at = (id: string): number => order.indexOf(id);
    for (const need of ['T006', 'T011', 'T012', 'T013', 'T014']) expect(at('T015'), `T015 after ${need}`).toBeGreaterThan(at(need));
    for (const need of ['T011', 'T012', 'T013', 'T014']) expect(at('T003'), `T003 after ${need}`).toBeGreaterThan(at(need));
    for (const id of ['T004', 'T005']) expect(at(id), `${id} after T015`).toBeGreaterThan(at('T015'));
    // Each model after its config.
    for (const [modelTask, configTask] of [
      ['T011', 'T007'],
      ['T012', 'T008'],
      ['T013', 'T009'],
      ['T014', 'T010'],
    ] as const) {
      expect(at(modelTask)).toBeGreaterThan(at(configTask));
    }
    expect(git(workspace, 'status', '--porcelain', '--untracked-files=no').trim()).toBe('');
  });

  it('static checks pass: pbtxt for the configs, python-syntax and triton-contract for the models', () => {
    for (const [id, model] of Object.entries(CONFIG_TASKS)) {
      expect(checkNamed(id, `pbtxt ${model}`).status, `${id} pbtxt ${model}`).toBe('passed');
    }
    for (const [id, model] of Object.entries(MODEL_TASKS)) {
      expect(checkNamed(id, 'python-syntax').status, `${id} python-syntax`).toBe('passed');
      expect(checkNamed(id, `triton-contract ${model}`).status, `${id} triton-contract ${model}`).toBe('passed');
    }
  });

  it('torch-dependent checks are skipped with a reason naming torch, never passed', () => {
    for (const [id, model] of Object.entries(MODEL_TASKS)) {
      expectSkippedForTorch(checkNamed(id, `run: python triton_models/${model}/1/model.py`));
    }
    for (const [id, file] of Object.entries(TEST_TASKS)) {
      expectSkippedForTorch(checkNamed(id, new RegExp(`^run: python -m pytest ${file.replace(/[./]/g, '\\$&')}`)));
      expectSkippedForTorch(checkNamed(id, `junit test-results/${id}.xml`));
    }
    // No check anywhere passed while needing torch.
    for (const id of ALL) {
      for (const r of finalChecks(id)) {
        if (/^run: python|^junit /.test(r.name)) expect(r.status, `${id} ${r.name}`).toBe('skipped');
      }
    }
  });

  it('the phase reports show the skipped checks as skipped, with the reason', () => {
    const phaseFile = { models: 'phase-2-models.md', tests: 'phase-3-tests.md' } as const;
    const reportOf = (phase: keyof typeof phaseFile): string => readFileSync(path.join(summary.runDir, phaseFile[phase]), 'utf8');
    const expectations = [
      ...Object.keys(MODEL_TASKS).map((id) => ({ id, phase: 'models' as const })),
      ...Object.keys(TEST_TASKS).map((id) => ({ id, phase: 'tests' as const })),
    ];
    for (const { id, phase } of expectations) {
      const md = reportOf(phase);
      for (const result of finalChecks(id).filter((r) => r.status === 'skipped')) {
        const rows = md.split('\n').filter((line) => line.startsWith(`| ${result.name} |`));
        expect(rows.length, `${phase} report has no row for ${id} ${result.name}`).toBeGreaterThan(0);
        for (const row of rows) {
          const cells = row.split('|').map((c) => c.trim());
          expect(cells[2], `${row}`).toMatch(/skipped/);
          expect(cells[2]).not.toMatch(/passed/);
          expect(row).toContain(result.reason as string);
          expect(row).toMatch(/\btorch\b/);
        }
        // ...and in the "Skipped checks" table, by task.
        expect(md).toContain(`| ${id} | ${result.name} | ${result.reason} |`);
      }
      // The static checks are shown as passed.
      for (const result of finalChecks(id).filter((r) => r.status === 'passed')) {
        const row = md.split('\n').find((line) => line.startsWith(`| ${result.name} |`));
        expect(row?.split('|')[2]?.trim(), `${id} ${result.name}`).toBe('passed');
      }
    }
  });

  it('flux-triton check accepts the workspace repository against the workspace contract', () => {
    const result = spawnSync(
      process.execPath,
      [CLI, 'check', path.join(workspace, 'triton_models'), '--contract', path.join(workspace, 'tensor_contract.md'), '--json'],
      { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FLUX_TRITON_PYTHON: python } },
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout) as { summary: { errors: number; warnings: number }; models: string[] };
    expect(report.summary.errors).toBe(0);
    expect(report.models).toHaveLength(5);
  });

  it("the run summary's Gantt timeline and task graph parse with mermaid", async () => {
    const md = readFileSync(path.join(summary.runDir, 'summary.md'), 'utf8');
    const blocks = mermaidBlocks(md);
    expect(blocks).toHaveLength(2);
    const gantt = await parseGantt(blocks.find((b) => b.startsWith('gantt')) as string);
    expect(gantt.tasks).toHaveLength(13);
    const flow = await parseFlowchart(blocks.find((b) => b.startsWith('flowchart')) as string);
    expect(flow.vertices).toHaveLength(13);
    expect(flow.edges).toHaveLength(Object.values(state.tasks).reduce((n, t) => n + t.needs.length, 0));
  });
});
