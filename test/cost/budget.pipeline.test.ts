// Budgets end to end, through runPipeline on the small fixture project with the scripted
// provider: a run that reaches --max-cost stops at turn boundaries, records the unfinished
// tasks interrupted, says why and exits 1; --resume with a higher budget finishes it and
// the cost carries over. --max-tokens-per-task does the same per task. Costs reach the
// state and the JSON reports; an unpriced model is `null`, and refuses --max-cost.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { RunState } from '../../src/events/runState.js';
import { runPipeline, type RunOptions } from '../../src/pipeline/index.js';
import type { RunSummary as ReportSummary } from '../../src/report/index.js';
import { makeProject, type FixtureTask, type Project } from '../pipeline/fixture.js';
import { exitCodeForRun, EXIT } from '../../src/cli/exitCodes.js';
import type { RunSummary } from '../../src/pipeline/index.js';

/** The exit code `flux-triton run` gives this summary. */
function exitCodeOf(summary: RunSummary): number {
  return summary.stoppedByBudget ? EXIT.failed : exitCodeForRun(summary.status);
}

const CHAIN: FixtureTask[] = [
  { id: 'A', phase: 'configs' },
  { id: 'B', phase: 'models', needs: ['A'] },
  { id: 'C', phase: 'tests', needs: ['B'] },
];

function options(project: Project, extra: Partial<RunOptions> = {}): RunOptions {
  const env = { ...process.env };
  delete env.ANTHROPIC_API_KEY;
  return {
    graphFile: project.graphFile,
    agentsDir: project.agentsDir,
    workspaceDir: project.workspaceDir,
    reportsDir: project.reportsDir,
    provider: 'scripted',
    concurrency: 1,
    env,
    ...extra,
  };
}

function readJson<T>(runDir: string, name: string): T {
  return JSON.parse(readFileSync(path.join(runDir, name), 'utf8')) as T;
}

describe('cost in the state and the reports', () => {
  it('prices every turn, and sums per task, phase and run', async () => {
    const project = makeProject(CHAIN);
    const result = await runPipeline(options(project));
    expect(exitCodeOf(result)).toBe(0);
    const state = readJson<RunState>(result.runDir, 'state.json');
    for (const task of Object.values(state.tasks)) {
      expect(task.turnCosts?.map((c) => c.turn)).toEqual([1, 2]);
      expect(task.costUsd).toBeGreaterThan(0);
      expect(task.costUsd).toBeCloseTo(
        (task.turnCosts ?? []).reduce((sum, c) => sum + (c.costUsd ?? NaN), 0),
        12,
      );
    }
    const total = Object.values(state.tasks).reduce((sum, t) => sum + (t.costUsd ?? NaN), 0);
    expect(state.costUsd).toBeCloseTo(total, 12);
    const summary = readJson<ReportSummary>(result.runDir, 'summary.json');
    expect(summary.costUsd).toBeCloseTo(total, 12);
    expect(summary.phases.map((p) => p.costUsd)).toEqual(summary.phases.map((p) => p.tasks[0]?.costUsd));
    expect(state.phases.map((p) => p.costUsd)).toEqual(summary.phases.map((p) => p.costUsd));
    expect(readFileSync(path.join(result.runDir, 'summary.html'), 'utf8')).toContain('id="run-cost"');
  });

  it('uses defaults.pricing from the graph and --prices over it', async () => {
    const project = makeProject(CHAIN);
    const graph = parse(readFileSync(project.graphFile, 'utf8')) as { defaults: Record<string, unknown> };
    graph.defaults.pricing = { sonnet: { input: 0, output: 1_000_000, cacheWrite: 0, cacheRead: 0 } };
    writeFileSync(project.graphFile, stringify(graph));
    const graphPriced = await runPipeline(options(project));
    const state = readJson<RunState>(graphPriced.runDir, 'state.json');
    // $1 per output token: the cost is exactly the output tokens.
    for (const task of Object.values(state.tasks)) expect(task.costUsd).toBeCloseTo(task.usage.outputTokens, 6);

    const filePriced = await runPipeline(options(project, { force: true, prices: { sonnet: { input: 0, output: 0, cacheWrite: 0, cacheRead: 0 } } }));
    expect(readJson<RunState>(filePriced.runDir, 'state.json').costUsd).toBe(0);
  });

  it('records an unpriced model as unknown (null), never as a guess', async () => {
    const project = makeProject(CHAIN);
    const result = await runPipeline(options(project, { model: 'claude-made-up-1' }));
    expect(exitCodeOf(result)).toBe(0);
    const summary = readJson<ReportSummary>(result.runDir, 'summary.json');
    expect(summary.costUsd).toBeNull();
    for (const phase of summary.phases) {
      expect(phase.costUsd).toBeNull();
      for (const task of phase.tasks) expect(task.costUsd).toBeNull();
    }
  });

  it('refuses --max-cost when a model has no price, before anything runs', async () => {
    const project = makeProject(CHAIN);
    const refusal = runPipeline(options(project, { model: 'claude-made-up-1', maxCostUsd: 5 }));
    await expect(refusal).rejects.toThrow(/the run's cost limit cannot be enforced: no price for model claude-made-up-1/);
    await expect(refusal).rejects.toMatchObject({ code: 'budget.unpriced-model' });
  });
});

describe('--max-cost', () => {
  it('stops at a turn boundary, records interrupted, exits 1, and resumes with a higher budget', async () => {
    const project = makeProject(CHAIN);
    // Far below one turn's cost: the first turn runs, nothing after it does.
    const stopped = await runPipeline(options(project, { maxCostUsd: 0.000001 }));
    expect(exitCodeOf(stopped)).toBe(1);
    expect(stopped.tasks).toEqual({ A: 'interrupted', B: 'blocked', C: 'blocked' });
    const state = readJson<RunState>(stopped.runDir, 'state.json');
    expect(state.tasks.A?.turns).toBe(1);
    expect(state.tasks.A?.reason).toMatch(/cost budget reached: \$\d+\.\d+ spent of the run's cost limit \$0\.000001/);
    expect(
      state.notices.some(
        (n) => n.level === 'warn' && /Cost budget reached/.test(n.message) && n.message.includes(`resuming run ${stopped.runId} with a higher cost limit`),
      ),
    ).toBe(true);
    const spent = state.costUsd as number;
    expect(spent).toBeGreaterThan(0.000001);
    const html = readFileSync(path.join(stopped.runDir, 'summary.html'), 'utf8');
    expect(html).toMatch(/id="failure"[\s\S]*cost budget reached/);

    // The spend before the stop counts: resuming under the same budget stops again at once.
    const again = await runPipeline(options(project, { resume: stopped.runId, maxCostUsd: 0.000001 }));
    expect(exitCodeOf(again)).toBe(1);
    expect(again.tasks.A).toBe('interrupted');
    expect(readJson<RunState>(again.runDir, 'state.json').tasks.A?.turns).toBe(1);

    const resumed = await runPipeline(options(project, { resume: stopped.runId, maxCostUsd: 10 }));
    expect(exitCodeOf(resumed)).toBe(0);
    expect(resumed.tasks).toEqual({ A: 'succeeded', B: 'succeeded', C: 'succeeded' });
    const after = readJson<RunState>(resumed.runDir, 'state.json');
    // A continued from its recorded turn instead of starting over: two turns in all.
    expect(after.tasks.A?.turns).toBe(2);
    expect(after.costUsd).toBeGreaterThan(spent);
    expect(after.costUsd).toBeCloseTo(
      Object.values(after.tasks).reduce((sum, t) => sum + (t.costUsd ?? NaN), 0),
      12,
    );
  });
});

describe('--max-cost with independent tasks', () => {
  it('starts no further task once reached: it is recorded interrupted without running, and resumes', async () => {
    const project = makeProject([
      { id: 'A', phase: 'configs' },
      { id: 'B', phase: 'configs' },
    ]);
    const stopped = await runPipeline(options(project, { maxCostUsd: 0.000001 }));
    expect(exitCodeOf(stopped)).toBe(1);
    expect(stopped.tasks).toEqual({ A: 'interrupted', B: 'interrupted' });
    const state = readJson<RunState>(stopped.runDir, 'state.json');
    expect(state.tasks.A?.turns).toBe(1);
    expect(state.tasks.B).toMatchObject({ turns: 0, reason: expect.stringMatching(/^not started: cost budget reached/) as unknown });
    expect(state.tasks.B?.startedAt).toBeUndefined();

    const resumed = await runPipeline(options(project, { resume: stopped.runId, maxCostUsd: 10 }));
    expect(resumed.tasks).toEqual({ A: 'succeeded', B: 'succeeded' });
  });
});

describe('--max-tokens-per-task', () => {
  it('pauses each task that reaches it while others go on, and exits 1', async () => {
    const project = makeProject([
      { id: 'A', phase: 'configs' },
      { id: 'B', phase: 'configs' },
    ]);
    const result = await runPipeline(options(project, { maxTokensPerTask: 1 }));
    expect(exitCodeOf(result)).toBe(1);
    expect(result.tasks).toEqual({ A: 'interrupted', B: 'interrupted' });
    const state = readJson<RunState>(result.runDir, 'state.json');
    for (const id of ['A', 'B']) {
      expect(state.tasks[id]?.turns, id).toBe(1);
      expect(state.tasks[id]?.reason, id).toMatch(/token budget reached: \d+ tokens used of the per-task token limit 1/);
    }
  });
});
