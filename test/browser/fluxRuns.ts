// Two real offline runs of the FLUX graph for the browser tests: one that succeeds, and one
// where T013's agent session hits a fatal API error (a scripted 400 on its second turn), so
// T013 fails and everything that needs it is blocked.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FaultPlan } from '../../src/agent/index.js';
import { runPipeline, type RunSummary } from '../../src/pipeline/index.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FLUX_TASKS = ['T006', 'T007', 'T008', 'T009', 'T010', 'T011', 'T012', 'T013', 'T014', 'T015', 'T003', 'T004', 'T005'];

/** A Python without torch, so the torch checks are skipped quickly instead of running models. */
function pythonWithoutTorch(scratch: string): string {
  const system = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
  if (spawnSync(system, ['-c', 'import torch'], { stdio: 'ignore' }).status !== 0) return system;
  const venv = path.join(scratch, 'venv-no-torch');
  execFileSync(system, ['-m', 'venv', '--without-pip', venv]);
  return path.join(venv, 'bin', 'python');
}

export async function runFlux(scratch: string, name: string, faults?: FaultPlan): Promise<RunSummary> {
  const env: NodeJS.ProcessEnv = { ...process.env, FLUX_TRITON_PYTHON: pythonWithoutTorch(scratch) };
  delete env.ANTHROPIC_API_KEY;
  return runPipeline({
    graphFile: path.join(ROOT, 'tasks', 'flux-triton.yaml'),
    agentsDir: path.join(ROOT, 'agents'),
    workspaceDir: path.join(scratch, name, 'workspace'),
    reportsDir: path.join(scratch, name, 'reports'),
    projectRoot: ROOT,
    provider: 'scripted',
    env,
    ...(faults ? { scriptedFaults: faults } : {}),
  });
}

export function scratchDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'flux-html-report-'));
}
