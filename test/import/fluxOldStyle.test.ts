// Done criterion of issue 11, first half: the old-style tasks.md of this very FLUX
// conversion imports with the six FLUX agents into a graph `validate` accepts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/runCli.js';
import { loadProject } from '../../src/config/project.js';
import { analyzeGraph } from '../../src/graph/analyze.js';
import { importSpecKit } from '../../src/import/index.js';
import { captureIo } from '../cli/capture.js';
import { copyFixture, repoRoot } from './helpers.js';

describe('import spec-kit: the old-style tasks.md of this FLUX conversion', () => {
  const dir = copyFixture('flux-old');
  const tasksFile = join(dir, 'specs/001-flux-triton/tasks.md');
  const result = importSpecKit({ tasksFile, agentsDir: join(repoRoot, 'agents'), agentMapFile: join(dir, 'agent-map.yaml') });
  const project = loadProject({ graphFile: result.graphFile, agentsDir: join(repoRoot, 'agents') });
  const graph = project.graph;
  const task = (id: string) => graph?.tasks.find((t) => t.id === id);

  it('writes a graph of 17 tasks in four phases that validate accepts', async () => {
    expect(result.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(result.written).toBe(true);
    expect(project.problems).toEqual([]);
    expect(graph?.tasks).toHaveLength(17);
    expect(graph?.phases.map((p) => p.id)).toEqual(['setup', 'tests-first', 'core-implementation', 'polish']);
    const io = captureIo(dir);
    expect(await runCli(['validate', '--graph', result.graphFile, '--agents', join(repoRoot, 'agents')], io)).toBe(0);
    expect(io.out()).toMatch(/^ok: .*6 agents, 17 tasks in 4 phases\n$/);
  });

  it('makes the BLS model task need the four model tasks, from "T015 depends on T011-T014"', () => {
    expect(task('T015')?.needs).toEqual(['T011', 'T012', 'T013', 'T014']);
    expect(task('T015')?.agent).toBe('bls-orchestrator-agent');
  });

  it('lets the five config tasks run side by side, after the tests and before the models', () => {
    const analysis = analyzeGraph(graph as NonNullable<typeof graph>);
    const configs = ['T006', 'T007', 'T008', 'T009', 'T010'];
    for (const a of configs) for (const b of configs) if (a !== b) expect(analysis.canRunConcurrently(a, b)).toBe(true);
    for (const id of configs) expect(task(id)?.needs).toEqual(['T003', 'T004', 'T005']);
    // "Config files (T006-T010) before model implementations (T011-T015)"
    for (const id of ['T011', 'T012', 'T013', 'T014']) expect(task(id)?.needs).toEqual(configs);
    // "Setup (T001-T002) before tests"; T002 has [P] but follows T001, which has none.
    expect(task('T002')?.needs).toEqual(['T001']);
    for (const id of ['T003', 'T004', 'T005']) expect(task(id)?.needs).toEqual(['T002']);
    // "Implementation before polish (T016-T017)"; T017 has no [P], so it waits for T016 too.
    expect(task('T016')?.needs).toEqual(['T015']);
    expect(task('T017')?.needs).toEqual(['T016']);
  });

  it('takes agents from the map, and matches the rest by name and description, reporting each guess', () => {
    expect(Object.fromEntries(graph?.tasks.map((t) => [t.id, t.agent]) ?? [])).toEqual({
      T001: 'triton-config-agent',
      T002: 'testing-agent',
      T003: 'testing-agent',
      T004: 'testing-agent',
      T005: 'testing-agent',
      T006: 'triton-config-agent',
      T007: 'triton-config-agent',
      T008: 'triton-config-agent',
      T009: 'triton-config-agent',
      T010: 'triton-config-agent',
      T011: 'text-encoder-agent',
      T012: 'text-encoder-agent',
      T013: 'dit-transformer-agent',
      T014: 'vae-decoder-agent',
      T015: 'bls-orchestrator-agent',
      T016: 'bls-orchestrator-agent',
      T017: 'testing-agent',
    });
    expect(result.guesses).toContain('T013: agent dit-transformer-agent (shares: dit, transformer)');
    expect(result.guesses.some((g) => g.startsWith('T006'))).toBe(false); // mapped, not guessed
  });

  it('takes outputs from the paths in the descriptions and the feature documents as context', () => {
    expect(task('T013')?.outputs).toEqual(['triton_models/dit_transformer/1/model.py']);
    expect(task('T005')?.outputs).toEqual(['tests/test_batch.py', 'test-results/throughput.json']);
    expect(task('T013')?.verify).toEqual([{ kind: 'builtin', check: 'python-syntax' }]);
    expect(graph?.context).toEqual([
      'specs/001-flux-triton/spec.md',
      'specs/001-flux-triton/plan.md',
      'specs/001-flux-triton/data-model.md',
      'specs/001-flux-triton/contracts/tensor_contract.md',
    ]);
    expect(readFileSync(join(dir, 'specs/001-flux-triton/flux-triton/context/specs/001-flux-triton/spec.md'), 'utf8')).toBe(
      readFileSync(join(dir, 'specs/001-flux-triton/spec.md'), 'utf8'),
    );
    expect(task('T013')?.prompt).toContain('DiT transformer model.py in triton_models/dit_transformer/1/model.py');
  });
});
