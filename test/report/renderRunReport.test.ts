import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { reduceRunState, type RunState } from '../../src/events/index.js';
import { listRuns, loadRun, renderRunReport } from '../../src/report/index.js';
import { RUN_ID, sampleRunEvents } from '../events/fixtures/sampleRun.js';

const sampleState = (): RunState => sampleRunEvents().reduce<RunState | undefined>((s, e) => reduceRunState(s, e), undefined)!;

describe('listRuns / loadRun', () => {
  let reportsDir: string;
  beforeAll(() => {
    reportsDir = mkdtempSync(path.join(os.tmpdir(), 'ft-reports-'));
    const write = (state: RunState) => {
      mkdirSync(path.join(reportsDir, 'runs', state.runId), { recursive: true });
      writeFileSync(path.join(reportsDir, 'runs', state.runId, 'state.json'), JSON.stringify(state));
    };
    write({ ...sampleState(), runId: 'older', startedAt: '2024-06-01T00:00:00.000Z' });
    write(sampleState());
    write({ ...sampleState(), runId: 'middle', startedAt: '2024-12-01T00:00:00.000Z', status: 'succeeded' });
    mkdirSync(path.join(reportsDir, 'runs', 'no-state'));
    mkdirSync(path.join(reportsDir, 'runs', 'future'));
    writeFileSync(path.join(reportsDir, 'runs', 'future', 'state.json'), JSON.stringify({ schemaVersion: 9 }));
  });

  it('lists readable runs newest first', async () => {
    expect((await listRuns(reportsDir)).map((r) => r.runId)).toEqual([RUN_ID, 'middle', 'older']);
    expect(await listRuns(path.join(reportsDir, 'nowhere'))).toEqual([]);
  });

  it('loads the latest run by default, a named one, or a unique prefix', async () => {
    expect((await loadRun(reportsDir)).state.runId).toBe(RUN_ID);
    expect((await loadRun(reportsDir, 'middle')).state.status).toBe('succeeded');
    expect((await loadRun(reportsDir, 'mid')).state.runId).toBe('middle');
  });

  it('names the available runs when the id is unknown, and says when there are none', async () => {
    const error = await loadRun(reportsDir, 'nope').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(/No run nope/);
    expect((error as Error).message).toContain('middle');
    expect((error as Error).message).toContain(RUN_ID);
    await expect(loadRun(mkdtempSync(path.join(os.tmpdir(), 'ft-empty-')))).rejects.toThrow(/No runs found/);
  });
});

describe('renderRunReport', () => {
  it('renders a header and a task table per phase', () => {
    const text = renderRunReport(sampleState());
    expect(text).toMatch(new RegExp(`^Run ${RUN_ID}: failed, 21s`));
    expect(text).toContain('Phase 1: Triton configs (configs) · 1 succeeded, 1 cached');
    expect(text).toMatch(/T011\s+CLIP model.py\s+succeeded\s+2\s+6s\s+3.1k\s+\$0\s+bbbbbbb/);
    expect(text).toContain('T015 blocked: needs T012 (failed)');
    expect(text).toContain('T011 check skipped: triton-contract text_encoder (torch is not installed)');
    expect(text).not.toContain('\x1b[');
  });

  it('narrows to one phase by id or number', () => {
    const byId = renderRunReport(sampleState(), { phase: 'models' });
    expect(byId).toContain('Phase 2: Model implementations');
    expect(byId).not.toContain('Phase 1:');
    expect(renderRunReport(sampleState(), { phase: '3' })).toContain('Phase 3: Tests');
    expect(renderRunReport(sampleState(), { phase: 'models', color: true })).toContain('\x1b[31m');
  });

  it('shows one task in full: attempts, check output, skipped reasons, JUnit cases, usage, commit', () => {
    const text = renderRunReport(sampleState(), { task: 'T003' });
    expect(text).toContain('T003: BLS tests');
    expect(text).toContain('tokens     input 1300 · output 500 · cache write 0 · cache read 0');
    expect(text).toContain(`commit     ${'c'.repeat(40)}`);
    expect(text).toContain('test-results/junit.xml');
    expect(text).toContain('Verify attempt 1: failed');
    expect(text).toContain('FAILED tests.test_bls::test_guidance: AssertionError: 3.5 != 4.0');
    expect(text).toContain('SKIPPED tests.test_bls::test_gpu: CUDA not available');
    const t011 = renderRunReport(sampleState(), { phase: 'models', task: 't011' });
    expect(t011).toContain('SKIPPED triton-contract text_encoder (1ms) — skipped: torch is not installed');
    expect(t011).toContain('model.py:12: SyntaxError: invalid syntax');
  });

  it('prints JSON for the selection', () => {
    expect(JSON.parse(renderRunReport(sampleState(), { json: true }))).toMatchObject({ runId: RUN_ID, phases: [{}, {}, {}] });
    expect(JSON.parse(renderRunReport(sampleState(), { json: true, phase: 'tests' }))).toMatchObject({ id: 'tests', index: 3 });
    expect(JSON.parse(renderRunReport(sampleState(), { json: true, task: 'T012' }))).toMatchObject({ id: 'T012', state: 'failed' });
  });

  it('rejects unknown phases and tasks, listing the valid ones', () => {
    expect(() => renderRunReport(sampleState(), { phase: 'nope' })).toThrow(/Unknown phase nope .*1\. configs.*2\. models.*3\. tests/);
    expect(() => renderRunReport(sampleState(), { task: 'T999' })).toThrow(/Unknown task T999 .*T006, T007, T011, T012, T015, T003/);
    const inPhase = (() => {
      try {
        renderRunReport(sampleState(), { phase: 'configs', task: 'T011' });
      } catch (error) {
        return error;
      }
    })();
    expect(inPhase).toBeInstanceOf(UserError);
    expect((inPhase as Error).message).toMatch(/Unknown task T011 in phase configs.*Tasks: T006, T007\./);
  });
});
