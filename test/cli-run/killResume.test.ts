// SIGKILL of the built CLI mid-run, then `run --resume`: nothing lost, nothing done twice.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeProject, type Project } from '../pipeline/fixture.js';
import {
  commitShaPerTask,
  commitsPerTask,
  lockFile,
  mainJs,
  onlyRunId,
  readEvents,
  readState,
  runCli,
  startRun,
  transcriptPath,
  transcriptTurns,
  waitFor,
  writeLatencyPlan,
  SMALL,
  slowM1Project,
} from './helpers.js';

beforeAll(() => {
  expect(existsSync(mainJs), 'build first: npm run build').toBe(true);
});

function expectEveryTaskCommittedOnce(project: Project): void {
  const counts = commitsPerTask(project.workspaceDir);
  expect(Object.fromEntries(counts)).toEqual(Object.fromEntries(SMALL.map((t) => [t.id, 1])));
}

describe('run killed with SIGKILL, then --resume', () => {
  it('resumes the latest run: done tasks are not rerun, the killed session continues, every task is committed once', async () => {
    const project = slowM1Project();
    const latency = writeLatencyPlan(project, { defaultMs: 0, perTask: { M1: 400 } });
    const running = startRun(project, ['--scripted-latency', latency, '--concurrency', '2']);

    // Kill once C1 is committed and M1 has finished its first turn (out/M1.txt written, not committed).
    const runId = await waitFor('the run directory', () => onlyRunId(project), { running });
    await waitFor(
      'C1 committed and M1 mid-session',
      () => readEvents(project, runId).some((e) => e.type === 'task:commit' && e.task === 'C1') && transcriptTurns(project, runId, 'M1').length >= 1,
      { running },
    );
    running.child.kill('SIGKILL');
    const killed = await running.done;
    expect(killed.signal).toBe('SIGKILL');

    // What the killed run left: some commits, an uncommitted M1 output, a stale lock.
    const before = commitShaPerTask(project.workspaceDir);
    expect(before.has('C1')).toBe(true);
    expect(before.has('M1')).toBe(false);
    expect(before.has('T1')).toBe(false);
    expect(existsSync(lockFile(project))).toBe(true);
    const deadPid = (JSON.parse(readFileSync(lockFile(project), 'utf8')) as { pid: number }).pid;
    const transcriptsBefore = new Map([...before.keys()].map((id) => [id, readFileSync(transcriptPath(project, runId, id), 'utf8')]));
    const m1TurnsBefore = transcriptTurns(project, runId, 'M1');

    const resumed = await runCli(project, ['--resume']);
    expect(resumed.stderr).not.toMatch(/internal error/);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`Run ${runId} succeeded`);

    // Every task committed exactly once; earlier commits untouched.
    expectEveryTaskCommittedOnce(project);
    const after = commitShaPerTask(project.workspaceDir);
    for (const [task, sha] of before) expect(after.get(task)).toBe(sha);

    // Tasks done before the kill were not rerun: same transcripts, state says resumed.
    const state = readState(project, runId);
    expect(state.status).toBe('succeeded');
    expect(state.resumedFrom).toBe(runId);
    for (const [task, transcript] of transcriptsBefore) {
      expect(readFileSync(transcriptPath(project, runId, task), 'utf8')).toBe(transcript);
      expect(state.tasks[task]?.state).toBe('succeeded');
      expect(state.tasks[task]?.reason).toBe('resumed');
      // ...and keeps what the killed process recorded for it: its commit and its turns.
      expect(state.tasks[task]?.commit?.sha).toBe(before.get(task));
      expect(state.tasks[task]?.turns).toBe(transcriptTurns(project, runId, task).length);
    }
    const runningAgain = readEvents(project, runId).filter((e) => e.type === 'task:state' && e.state === 'running' && before.has(e.task ?? ''));
    // Each done task went to running once in all of events.ndjson: in the killed run only.
    expect(runningAgain.map((e) => e.task).sort()).toEqual([...before.keys()].sort());

    // M1 continued its conversation: the turns after the kill follow on from the earlier ones.
    const m1Turns = transcriptTurns(project, runId, 'M1');
    expect(m1Turns.slice(0, m1TurnsBefore.length)).toEqual(m1TurnsBefore);
    expect(m1Turns.slice(m1TurnsBefore.length)[0]).toBe((m1TurnsBefore.at(-1) ?? 0) + 1);
    expect(m1Turns.at(-1)).toBe(4);
    expect(readFileSync(path.join(project.workspaceDir, 'out/M1.txt'), 'utf8')).toBe('M1 output\n');

    // The stale lock of the killed process was cleared, and the run said so.
    expect(existsSync(lockFile(project))).toBe(false);
    const lockNotice = state.notices.find((n) => /stale workspace lock/i.test(n.message));
    expect(lockNotice?.message).toContain(String(deadPid));
    expect(resumed.stderr + resumed.stdout).toMatch(/stale workspace lock/i);
    // Nothing left uncommitted.
    expect(readFileSync(path.join(project.workspaceDir, 'out/T1.txt'), 'utf8')).toBe('T1 output\n');
  });

  it('resumes a run named by id; an unknown id exits 2 listing the runs', async () => {
    const project = makeProject(SMALL);
    const latency = writeLatencyPlan(project, { defaultMs: 0, perTask: { G: 300 } });
    const running = startRun(project, ['--scripted-latency', latency]);
    const runId = await waitFor('the run directory', () => onlyRunId(project), { running });
    await waitFor('G running', () => readEvents(project, runId).some((e) => e.type === 'task:state' && e.task === 'G' && e.state === 'running'), { running });
    running.child.kill('SIGKILL');
    await running.done;

    const unknown = await runCli(project, ['--resume', 'no-such-run']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no run no-such-run');
    expect(unknown.stderr).toContain(runId);
    // The refusal touched nothing: no lock taken, no commit made.
    expect(commitsPerTask(project.workspaceDir).has('G')).toBe(false);

    const resumed = await runCli(project, ['--resume', runId]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expectEveryTaskCommittedOnce(project);
    expect(onlyRunId(project)).toBe(runId);

    // A succeeded run has nothing to resume.
    const again = await runCli(project, ['--resume', runId]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already succeeded/);
  });

  it('does not commit again a task whose commit landed but whose state write was lost', async () => {
    const project = makeProject(SMALL);
    const first = await runCli(project);
    expect(first.code, first.stderr).toBe(0);
    const runId = onlyRunId(project) as string;
    const shas = commitShaPerTask(project.workspaceDir);

    // As if the process died right after committing T1 and G, before state.json said so.
    const stateFile = path.join(project.reportsDir, 'runs', runId, 'state.json');
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as {
      status: string;
      tasks: Record<string, { state: string; endedAt?: string; commit?: unknown }>;
    };
    state.status = 'interrupted';
    for (const id of ['G', 'T1']) {
      const task = state.tasks[id] as { state: string; endedAt?: string; commit?: unknown };
      task.state = id === 'G' ? 'verifying' : 'running';
      delete task.endedAt;
      delete task.commit;
    }
    writeFileSync(stateFile, JSON.stringify(state, null, 2));

    const resumed = await runCli(project, ['--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expectEveryTaskCommittedOnce(project);
    expect(commitShaPerTask(project.workspaceDir)).toEqual(shas);
    const after = readState(project, runId);
    expect(after.status).toBe('succeeded');
    expect(after.tasks.T1?.state).toBe('succeeded');
    expect(after.tasks.G?.state).toBe('succeeded');
  });
});
