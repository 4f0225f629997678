import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/events/types.js';
import { runPipeline } from '../../src/pipeline/runPipeline.js';
import type { RunOptions } from '../../src/pipeline/options.js';
import { makeProject, SHAPE, writeScript, writeTurns, type Project } from './fixture.js';

const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' };

function options(project: Project, extra: Partial<RunOptions> = {}): RunOptions {
  return {
    graphFile: project.graphFile,
    agentsDir: project.agentsDir,
    workspaceDir: project.workspaceDir,
    reportsDir: project.reportsDir,
    projectRoot: project.root,
    provider: 'scripted',
    env,
    ...extra,
  };
}

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8' });
}

function taskCommitSubjects(workspace: string): string[] {
  return git(workspace, 'log', '--reverse', '--format=%s')
    .trim()
    .split('\n')
    .filter((s) => /^\w+: /.test(s) && !s.startsWith('Add context'));
}

async function run(project: Project, extra: Partial<RunOptions> = {}): Promise<{ summary: Awaited<ReturnType<typeof runPipeline>>; events: RunEvent[] }> {
  const events: RunEvent[] = [];
  const summary = await runPipeline(options(project, { onEvent: (e) => events.push(e), ...extra }));
  return { summary, events };
}

describe('runPipeline on a FLUX-shaped graph', () => {
  it('commits every task once, in dependency order, and gates G on all five needs', async () => {
    const project = makeProject();
    const { summary, events } = await run(project);
    expect(summary.status).toBe('succeeded');

    const subjects = taskCommitSubjects(project.workspaceDir);
    expect(subjects).toHaveLength(SHAPE.length);
    const order = subjects.map((s) => s.split(':')[0] as string);
    expect(new Set(order).size).toBe(SHAPE.length);
    for (const task of SHAPE) {
      for (const need of task.needs ?? []) expect(order.indexOf(need)).toBeLessThan(order.indexOf(task.id));
    }

    // The gated task started only after each need was committed (recorded timestamps).
    const commitAt = new Map(events.filter((e) => e.type === 'task:commit').map((e) => [e.task, Date.parse(e.at)]));
    const gStart = events.find((e) => e.type === 'task:state' && e.task === 'G' && e.state === 'running');
    expect(gStart).toBeDefined();
    const gStartEventIndex = events.indexOf(gStart as RunEvent);
    for (const need of ['C5', 'M1', 'M2', 'M3', 'M4']) {
      const commitIndex = events.findIndex((e) => e.type === 'task:commit' && e.task === need);
      expect(commitIndex).toBeGreaterThanOrEqual(0);
      expect(commitIndex).toBeLessThan(gStartEventIndex);
      expect(commitAt.get(need)).toBeLessThanOrEqual(Date.parse((gStart as RunEvent).at));
    }

    // Trailers name the task, agent, model and run.
    const body = git(project.workspaceDir, 'log', '-1', '--format=%B', '--grep=^G: ');
    expect(body).toContain('Task: G');
    expect(body).toContain('Agent: worker');
    expect(body).toContain(`Run: ${summary.runId}`);
    expect(body).toMatch(/Model: claude-/);
    expect(body).toMatch(/Tokens: \d+/);

    // Reports: state, events, transcripts, phase reports, summary.
    const state = JSON.parse(readFileSync(path.join(summary.runDir, 'state.json'), 'utf8'));
    expect(state.schemaVersion).toBe(1);
    expect(state.status).toBe('succeeded');
    expect(
      readFileSync(path.join(summary.runDir, 'transcripts', 'G.jsonl'), 'utf8')
        .trim()
        .split('\n').length,
    ).toBeGreaterThanOrEqual(2);
    expect(readFileSync(path.join(summary.runDir, 'phase-2-models.md'), 'utf8')).toContain('G');
    const summaryMd = readFileSync(path.join(summary.runDir, 'summary.md'), 'utf8');
    expect(summaryMd).toContain('gantt');
    expect(summaryMd).toContain('flowchart');
  });

  it('never runs more tasks at once than --concurrency', async () => {
    const project = makeProject();
    const { summary, events } = await run(project, { concurrency: 2, scriptedLatency: { defaultMs: 20 } });
    expect(summary.status).toBe('succeeded');
    let inFlight = 0;
    let peak = 0;
    const active = new Set<string>();
    for (const e of events) {
      if (e.type !== 'task:state') continue;
      if (e.state === 'running' && e.previous === 'pending') active.add(e.task);
      if (['succeeded', 'failed', 'cached', 'interrupted'].includes(e.state)) active.delete(e.task);
      inFlight = active.size;
      peak = Math.max(peak, inFlight);
    }
    expect(peak).toBe(2);
  });

  it('blocks the dependents of a failed task while independent work goes on', async () => {
    const project = makeProject();
    // M2 never writes its file, so its check fails every time (no repair helps).
    writeScript(project.scriptsDir, 'M2', [{ text: 'I will not write anything.' }]);
    const { summary } = await run(project);
    expect(summary.status).toBe('failed');
    expect(summary.tasks.M2).toBe('failed');
    expect(summary.tasks.G).toBe('blocked');
    expect(summary.tasks.T1).toBe('blocked');
    expect(summary.tasks.T2).toBe('blocked');
    expect(summary.tasks.M1).toBe('succeeded');
    expect(summary.tasks.M4).toBe('succeeded');
    expect(taskCommitSubjects(project.workspaceDir).some((s) => s.startsWith('M2:'))).toBe(false);
  });

  it('sends a failed check back into the same conversation and commits the repair', async () => {
    const project = makeProject([
      {
        id: 'C1',
        phase: 'configs',
        verify: [{ run: 'grep -q fixed out/C1.txt || { echo "out/C1.txt must say fixed"; exit 1; }' }],
        turns: [
          { tools: [{ Write: { file_path: 'out/C1.txt', content: 'first draft\n' } }] },
          { text: 'Done.' },
          { text: 'The check says the file must say fixed.', tools: [{ Write: { file_path: 'out/C1.txt', content: 'fixed\n' } }] },
          { text: 'Repaired.' },
        ],
      },
    ]);
    const { summary, events } = await run(project);
    expect(summary.tasks.C1).toBe('succeeded');
    const verifies = events.filter((e) => e.type === 'task:verify');
    expect(verifies.map((e) => e.type === 'task:verify' && e.attempt.passed)).toEqual([false, true]);
    expect(events.some((e) => e.type === 'task:state' && e.task === 'C1' && e.state === 'repairing')).toBe(true);
    // The repair message reached the model: the turn after the first end_turn opened with it.
    const turns = events.filter((e) => e.type === 'task:turn');
    const repairTurn = turns.find((e) => e.type === 'task:turn' && e.turn.prompt?.includes('must say fixed'));
    expect(repairTurn).toBeDefined();
    expect(readFileSync(path.join(project.workspaceDir, 'out/C1.txt'), 'utf8')).toBe('fixed\n');
    expect(taskCommitSubjects(project.workspaceDir)).toEqual(['C1: C1 output']);
  });

  it('fails a task whose repairs are used up, naming the check', async () => {
    const project = makeProject([{ id: 'C1', phase: 'configs', verify: [{ run: 'exit 3' }] }]);
    const { summary, events } = await run(project);
    expect(summary.tasks.C1).toBe('failed');
    const failed = events.find((e) => e.type === 'task:state' && e.state === 'failed');
    expect(failed?.type === 'task:state' && failed.reason).toMatch(/verification failed after 2 repair attempt\(s\): run: exit 3/);
    expect(events.filter((e) => e.type === 'task:verify')).toHaveLength(3);
  });

  it("sets a failed task's outputs aside in the reports and leaves the workspace clean for the next run", async () => {
    const project = makeProject([{ id: 'C1', phase: 'configs', verify: [{ run: 'grep -q never out/C1.txt' }] }]);
    const { summary, events } = await run(project);
    expect(summary.tasks.C1).toBe('failed');
    expect(git(project.workspaceDir, 'status', '--porcelain')).toBe('');
    expect(readFileSync(path.join(summary.runDir, 'failed', 'C1', 'out', 'C1.txt'), 'utf8')).toBe('C1 output\n');
    expect(events.some((e) => e.type === 'run:notice' && e.message.includes('were moved to'))).toBe(true);
    // Nothing blocks the next attempt: the workspace is clean, so the run starts (and fails the same way).
    const again = await run(project);
    expect(again.summary.tasks.C1).toBe('failed');
  });

  it('retries turns after 429s outlast the SDK, and lowers the concurrency after repeated ones', async () => {
    const project = makeProject();
    // Each config task's first turn is rate limited three times in a row: the SDK's own two
    // retries are used up, so the session waits and retries the turn itself.
    const rules = ['C1', 'C2', 'C3', 'C4', 'C5'].map((task) => ({ task, turn: 1, status: 429, retryAfterMs: 5, times: 3 }));
    const { summary, events } = await run(project, { scriptedFaults: { rules }, concurrency: 4 });
    expect(summary.status).toBe('succeeded');
    const retried = events.filter((e) => e.type === 'run:notice' && /retrying turn 1/.test(e.message));
    expect(retried.length).toBeGreaterThanOrEqual(3);
    expect(events.some((e) => e.type === 'run:notice' && /lowered concurrency from 4 to 2/.test(e.message))).toBe(true);
    // Every turn that was retried still ran exactly once in the transcript.
    const c1Turns = events.filter((e) => e.type === 'task:turn' && e.task === 'C1').map((e) => (e.type === 'task:turn' ? e.turn.turn : 0));
    expect(c1Turns).toEqual([1, 2]);
  });

  it('caches a second run entirely, and --force runs it again', async () => {
    const project = makeProject();
    await run(project);
    const before = taskCommitSubjects(project.workspaceDir).length;
    const second = await run(project);
    expect(Object.values(second.summary.tasks).every((s) => s === 'cached')).toBe(true);
    expect(second.summary.status).toBe('succeeded');
    expect(taskCommitSubjects(project.workspaceDir)).toHaveLength(before);

    // A changed task prompt busts that task's cache and its dependents' (their need commit changes).
    const graph = readFileSync(project.graphFile, 'utf8').replace('Write out/M1.txt.', 'Write out/M1.txt carefully.');
    writeFileSync(project.graphFile, graph);
    writeScript(project.scriptsDir, 'M1', writeTurns('M1', 'M1 output, revised\n'));
    const third = await run(project);
    expect(third.summary.tasks.M1).toBe('succeeded');
    expect(third.summary.tasks.G).toBe('succeeded');
    expect(third.summary.tasks.T1).toBe('succeeded');
    expect(third.summary.tasks.C1).toBe('cached');
    expect(third.summary.tasks.M2).toBe('cached');

    const forced = await run(project, { force: true });
    expect(Object.values(forced.summary.tasks).every((s) => s === 'succeeded')).toBe(true);
  });

  it('reruns one task, and with --downstream its dependents, refusing when a need never succeeded', async () => {
    const project = makeProject();
    await expect(run(project, { tasks: ['G'] })).rejects.toThrow(/G needs C5, which has never succeeded in this workspace/);
    await run(project);
    const one = await run(project, { tasks: ['M1'] });
    expect(Object.keys(one.summary.tasks)).toEqual(['M1']);
    // Selected tasks run even though their inputs are unchanged (no cache for --task).
    expect(one.summary.tasks.M1).toBe('succeeded');
    const down = await run(project, { tasks: ['M1'], downstream: true });
    expect(Object.keys(down.summary.tasks).sort()).toEqual(['G', 'M1', 'T1', 'T2']);
  });

  it('refuses a workspace with uncommitted changes, listing them, and leaves them alone', async () => {
    const project = makeProject();
    await run(project);
    writeFileSync(path.join(project.workspaceDir, 'out/C1.txt'), 'my own edit\n');
    await expect(run(project)).rejects.toThrow(/uncommitted change\(s\):\n\s+.*out\/C1.txt/);
    expect(readFileSync(path.join(project.workspaceDir, 'out/C1.txt'), 'utf8')).toBe('my own edit\n');
  });

  it('refuses a workspace locked by another live run', async () => {
    const project = makeProject();
    await run(project);
    writeFileSync(
      path.join(project.workspaceDir, '.flux-triton.lock'),
      JSON.stringify({ pid: process.pid, hostname: (await import('node:os')).hostname(), runId: 'other-run', startedAt: new Date().toISOString() }),
    );
    await expect(run(project)).rejects.toThrow(/other-run/);
  });

  it('stops on abort: running tasks are interrupted, state is written, exit code 130', async () => {
    const project = makeProject();
    const controller = new AbortController();
    const events: RunEvent[] = [];
    const summary = await runPipeline(
      options(project, {
        // C1 answers at once, everything else slowly: when C1 commits, the others are
        // still mid-turn, so the abort always finds running sessions to interrupt.
        scriptedLatency: { defaultMs: 400, perTask: { C1: 0 } },
        signal: controller.signal,
        onEvent: (e) => {
          events.push(e);
          if (e.type === 'task:commit' && e.task === 'C1') controller.abort();
        },
      }),
    );
    expect(summary.status).toBe('interrupted');
    const state = JSON.parse(readFileSync(path.join(summary.runDir, 'state.json'), 'utf8'));
    expect(state.status).toBe('interrupted');
    expect(Object.values(summary.tasks)).toContain('interrupted');
  });
});
