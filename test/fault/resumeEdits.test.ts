// A user edit to an interrupted task's output, made while the run was stopped, is noticed
// on resume and reported, and the agent's commit says so: never silently committed under
// the agent's name. An untouched leftover raises nothing.
import { appendFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  git,
  mainJs,
  onlyRunId,
  readEvents,
  readState,
  runCli,
  startRun,
  transcriptTurns,
  waitFor,
  writeLatencyPlan,
  slowM1Project,
} from '../cli-run/helpers.js';

beforeAll(() => {
  expect(existsSync(mainJs), 'build first: npm run build').toBe(true);
});

async function killedMidM1(edit: boolean) {
  const project = slowM1Project();
  // Slow enough that M1 is still mid-session when the kill lands, even on a loaded machine.
  const latency = writeLatencyPlan(project, { defaultMs: 0, perTask: { M1: 1500 } });
  const running = startRun(project, ['--scripted-latency', latency, '--concurrency', '2']);
  const runId = await waitFor('the run directory', () => onlyRunId(project), { running });
  await waitFor(
    'M1 past its first turn, its hash recorded',
    () => transcriptTurns(project, runId, 'M1').length >= 1 && readEvents(project, runId).some((e) => e.type === 'task:outputs' && e.task === 'M1'),
    { running },
  );
  running.child.kill('SIGKILL');
  await running.done;
  if (edit) appendFileSync(path.join(project.workspaceDir, 'out/M1.txt'), 'my own line\n');
  const resumed = await runCli(project, ['--resume']);
  return { project, runId, resumed };
}

describe("hand edits to an interrupted task's outputs", () => {
  it('are reported on resume and marked in the commit', async () => {
    const { project, runId, resumed } = await killedMidM1(true);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout + resumed.stderr).toMatch(/M1: its outputs \(out\/M1\.txt\) changed since its agent last wrote them/);
    expect(readState(project, runId).notices.some((n) => n.task === 'M1' && /changed since its agent/.test(n.message))).toBe(true);
    expect(git(project.workspaceDir, 'log', '--format=%(trailers:key=Resumed-With-Edits,valueonly)', '--grep=^Task: M1$')).toMatch(/edited by hand/);
  });

  it('an untouched leftover is resumed without a word', async () => {
    const { resumed } = await killedMidM1(false);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout + resumed.stderr).not.toMatch(/changed since its agent/);
  });
});
