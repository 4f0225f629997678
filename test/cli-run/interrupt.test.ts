// Ctrl-C (SIGINT) to the built CLI mid-run: exit 130 with state and reports written and the
// lock released; --resume finishes the job; an interrupted session continues from its last
// complete turn; a second Ctrl-C exits at once.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeProject, writeScript, type Project } from '../pipeline/fixture.js';
import {
  commitShaPerTask,
  commitsPerTask,
  lockFile,
  mainJs,
  onlyRunId,
  readEvents,
  readState,
  runCli,
  runDir,
  startRun,
  transcriptTurns,
  waitFor,
  writeLatencyPlan,
  SMALL,
} from './helpers.js';

beforeAll(() => {
  expect(existsSync(mainJs), 'build first: npm run build').toBe(true);
});

function expectEveryTaskCommittedOnce(project: Project): void {
  expect(Object.fromEntries(commitsPerTask(project.workspaceDir))).toEqual(Object.fromEntries(SMALL.map((t) => [t.id, 1])));
}

describe('run interrupted with SIGINT', () => {
  it('exits 130 with state, reports and lock handled; --resume completes the run', async () => {
    const project = makeProject(SMALL);
    const running = startRun(project, ['--scripted-latency', '150', '--concurrency', '2']);
    const runId = await waitFor('the run directory', () => onlyRunId(project), { running });
    await waitFor('a first commit with tasks still running', () => readEvents(project, runId).some((e) => e.type === 'task:commit'), { running });
    running.child.kill('SIGINT');
    const stopped = await running.done;

    expect(stopped.code, stopped.stderr).toBe(130);
    expect(stopped.stderr).toContain('Interrupting');
    expect(stopped.stderr).toContain(`Run ${runId} interrupted`);

    const state = readState(project, runId);
    expect(state.status).toBe('interrupted');
    const interrupted = Object.values(state.tasks).filter((t) => t.state === 'interrupted');
    expect(interrupted.length).toBeGreaterThan(0);
    for (const task of interrupted) expect(task.reason).toMatch(/interrupt/);
    // Nothing is left claiming to run.
    expect(Object.values(state.tasks).filter((t) => ['running', 'verifying', 'repairing'].includes(t.state))).toEqual([]);
    const succeededBefore = Object.values(state.tasks)
      .filter((t) => t.state === 'succeeded')
      .map((t) => t.id);
    expect(succeededBefore.length).toBeGreaterThan(0);

    // The lock is released; the run summary and the event log's run:end are written.
    expect(existsSync(lockFile(project))).toBe(false);
    const summary = readFileSync(path.join(runDir(project, runId), 'summary.md'), 'utf8');
    expect(summary).toContain(runId);
    expect(summary).toMatch(/interrupted/);
    expect(existsSync(path.join(runDir(project, runId), 'summary.json'))).toBe(true);
    expect(readEvents(project, runId).at(-1)).toMatchObject({ type: 'run:end', status: 'interrupted' });

    const shasBefore = commitShaPerTask(project.workspaceDir);
    const resumed = await runCli(project, ['--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expectEveryTaskCommittedOnce(project);
    const shasAfter = commitShaPerTask(project.workspaceDir);
    for (const [task, sha] of shasBefore) expect(shasAfter.get(task)).toBe(sha);
    const after = readState(project, runId);
    expect(after.status).toBe('succeeded');
    for (const id of succeededBefore) expect(after.tasks[id]).toMatchObject({ state: 'succeeded', reason: 'resumed' });
    for (const task of interrupted) expect(after.tasks[task.id]?.state).toBe('succeeded');
  });

  it('continues an interrupted session from its last complete turn', async () => {
    const project = makeProject(SMALL);
    // C1 takes five turns: a write, three reads, then done; each turn is slow.
    writeScript(project.scriptsDir, 'C1', [
      { text: 'Writing C1.', tools: [{ Write: { file_path: 'out/C1.txt', content: 'C1 output\n' } }] },
      { text: 'Reading it back.', tools: [{ Read: { file_path: 'out/C1.txt' } }] },
      { text: 'Reading the brief.', tools: [{ Read: { file_path: 'brief.md' } }] },
      { text: 'Listing.', tools: [{ Glob: { pattern: 'out/*.txt' } }] },
      { text: 'C1 is written.' },
    ]);
    const latency = writeLatencyPlan(project, { defaultMs: 0, perTask: { C1: 500 } });
    const running = startRun(project, ['--scripted-latency', latency]);
    const runId = await waitFor('the run directory', () => onlyRunId(project), { running });
    await waitFor('two complete turns of C1', () => transcriptTurns(project, runId, 'C1').length >= 2, { running });
    running.child.kill('SIGINT');
    const stopped = await running.done;
    expect(stopped.code, stopped.stderr).toBe(130);

    const turnsBefore = transcriptTurns(project, runId, 'C1');
    expect(turnsBefore.slice(0, 2)).toEqual([1, 2]);
    expect(turnsBefore.length).toBeLessThan(5);
    expect(readState(project, runId).tasks.C1?.state).toBe('interrupted');
    const eventsBefore = readEvents(project, runId).length;

    const resumed = await runCli(project, ['--resume', runId]);
    expect(resumed.code, resumed.stderr).toBe(0);

    // The resumed session's first request already held the earlier turns: its first turn is
    // the one after the last complete turn, not turn 1 again.
    const resumedTurns = readEvents(project, runId)
      .slice(eventsBefore)
      .filter((e) => e.type === 'task:turn' && e.task === 'C1')
      .map((e) => e.turn?.turn);
    expect(resumedTurns[0]).toBe((turnsBefore.at(-1) as number) + 1);
    expect(resumedTurns[0]).toBeGreaterThan(1);
    expect(resumedTurns.at(-1)).toBe(5);
    expect(transcriptTurns(project, runId, 'C1')).toEqual([...turnsBefore, ...(resumedTurns as number[])]);
    expect(commitsPerTask(project.workspaceDir).get('C1')).toBe(1);
    expectEveryTaskCommittedOnce(project);
  });

  it('a second SIGINT exits at once with 130, and the run can still be resumed', async () => {
    const project = makeProject(SMALL);
    const running = startRun(project, ['--scripted-latency', '200', '--concurrency', '2']);
    const runId = await waitFor('the run directory', () => onlyRunId(project), { running });
    await waitFor('a task running', () => readEvents(project, runId).some((e) => e.type === 'task:state' && e.state === 'running'), { running });
    running.child.kill('SIGINT');
    await waitFor('the first SIGINT acknowledged', () => running.stderr().includes('Interrupting'), { running });
    running.child.kill('SIGINT');
    const stopped = await running.done;
    expect(stopped.code, stopped.stderr).toBe(130);
    expect(stopped.signal).toBeNull();
    // Even the hasty exit takes the workspace lock with it.
    expect(existsSync(lockFile(project))).toBe(false);

    // Whatever the hasty exit left behind, --resume finishes the run and commits each task once.
    const resumed = await runCli(project, ['--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expectEveryTaskCommittedOnce(project);
    expect(existsSync(lockFile(project))).toBe(false);
  });
});
