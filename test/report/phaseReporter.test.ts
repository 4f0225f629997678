import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunEventBus } from '../../src/events/index.js';
import { PhaseReporter } from '../../src/report/index.js';
import { RUN_ID, sampleRunEvents } from '../events/fixtures/sampleRun.js';

async function runReporter(events = sampleRunEvents()) {
  const runDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'ft-rep-')), 'runs', RUN_ID);
  const bus = new RunEventBus();
  bus.attach(new PhaseReporter({ runDir }));
  for (const event of events) bus.emit(event);
  await bus.close();
  const read = (name: string) => readFileSync(path.join(runDir, name), 'utf8');
  return { runDir, read };
}

describe('PhaseReporter', () => {
  it('writes a Markdown and JSON report per phase, named by position and id', async () => {
    const { runDir, read } = await runReporter();
    expect(readdirSync(runDir).sort()).toEqual([
      'phase-1-configs.json',
      'phase-1-configs.md',
      'phase-2-models.json',
      'phase-2-models.md',
      'phase-3-tests.json',
      'phase-3-tests.md',
      'summary.json',
      'summary.md',
    ]);
    const models = JSON.parse(read('phase-2-models.json'));
    expect(models).toMatchObject({
      schemaVersion: 1,
      runId: RUN_ID,
      phase: { index: 2, id: 'models', counts: { succeeded: 1, failed: 1, blocked: 1 }, commits: 1 },
    });
    const t011 = models.phase.tasks.find((t: { id: string }) => t.id === 'T011');
    expect(t011).toMatchObject({
      attempts: 2,
      durationMs: 6000,
      skippedChecks: [{ attempt: 1, name: 'triton-contract text_encoder', reason: 'torch is not installed' }],
    });
    expect(t011.usage).toEqual({ inputTokens: 1300, outputTokens: 900, cacheCreationInputTokens: 0, cacheReadInputTokens: 900 });
  });

  it('shows attempts, check results, skipped checks as skipped, tokens, commits and reasons', async () => {
    const { read } = await runReporter();
    const md = read('phase-2-models.md');
    expect(md).toContain('# Phase 2: Model implementations (`models`)');
    expect(md).toMatch(/\| T011 \| CLIP model.py \| text-encoder-agent \| succeeded \| 2 \| 6s \| 1300 \/ 900 \/ 0 \/ 900 \| \$0 \| `bbbbbbb` \|/);
    expect(md).toContain('| T012 | VAE model.py | vae-agent | failed: session ended: max_turns |');
    expect(md).toContain('BLS pipeline \\| orchestration'); // a pipe in a title does not break the table
    expect(md).toContain('### Verify attempt 1: failed');
    expect(md).toContain('### Verify attempt 2: passed');
    expect(md).toContain('| triton-contract text_encoder | **skipped** | 1ms | torch is not installed |');
    expect(md).not.toMatch(/triton-contract text_encoder \| passed/);
    expect(md).toContain('## Skipped checks');
    expect(md).toContain('model.py:12: SyntaxError: invalid syntax');
    expect(md).toContain('`triton_models/text_encoder/1/model.py`');
  });

  it('puts JUnit results in the report: counts and the failing and skipped cases', async () => {
    const { read } = await runReporter();
    const md = read('phase-3-tests.md');
    expect(md).toContain('| junit test-results/junit.xml | failed | 900ms | 3 tests, 1 failures, 0 errors, 1 skipped |');
    expect(md).toContain('#### JUnit `test-results/junit.xml`: 3 tests, 0 failures, 0 errors, 1 skipped');
    expect(md).toContain('| tests.test_bls::test_gpu | skipped | CUDA not available |');
    const json = JSON.parse(read('phase-3-tests.json'));
    expect(json.phase.tasks[0].verify[0].results[0].junit.cases[1]).toMatchObject({ name: 'test_guidance', status: 'failed' });
  });

  it('writes the summary with totals, a per-phase table, a gantt timeline and the DAG', async () => {
    const { read } = await runReporter();
    const md = read('summary.md');
    expect(md).toContain(`# Run ${RUN_ID}: failed`);
    expect(md).toContain('- Tasks: 3 succeeded, 1 cached, 1 failed, 1 blocked');
    expect(md).toContain('| 2 | Model implementations (models) | 1 succeeded, 1 failed, 1 blocked | 8s |');
    expect(md).toContain('```mermaid\ngantt');
    expect(md).toContain('dateFormat x');
    expect(md).toMatch(/T011 CLIP model.py :done, t_T011, 1735732807000, 1735732813000/);
    expect(md).toMatch(/T012 VAE model.py :crit, t_T012, \d+, \d+/);
    expect(md).toMatch(/T007 VAE config.pbtxt \(cached\) :milestone, t_T007, \d+, \d+/);
    expect(md).toContain('Not started: T015 (blocked: needs T012 (failed))');
    expect(md).toContain('```mermaid\nflowchart LR');
    expect(md).toContain('t_T011 --> t_T015');
    expect(md).toContain(':::blocked');
    expect(md).toMatch(/classDef failed fill:/);
    expect(md).toContain('| T011 | triton-contract text_encoder | torch is not installed |');
    const summary = JSON.parse(read('summary.json'));
    expect(summary).toMatchObject({
      schemaVersion: 1,
      status: 'failed',
      durationMs: 21000,
      commits: 3,
      counts: { succeeded: 3, cached: 1, failed: 1, blocked: 1 },
    });
    expect(summary.totalTokens).toBe(summary.phases.reduce((n: number, p: { totalTokens: number }) => n + p.totalTokens, 0));
  });

  it('still reports every phase when the run ends before a phase:end', async () => {
    const events = sampleRunEvents().filter((e) => !(e.type === 'phase:end' && e.phase !== 'configs'));
    const { runDir } = await runReporter(events);
    expect(existsSync(path.join(runDir, 'phase-2-models.md'))).toBe(true);
    expect(existsSync(path.join(runDir, 'phase-3-tests.json'))).toBe(true);
  });
});
