// SIGKILL of the built CLI mid-run with --provider claude-code --offline, then --resume:
// the interrupted task continues the same Claude Code session (by the id its transcript
// recorded), and every task is committed once.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readTranscript } from '../../src/events/index.js';
import {
  commitsPerTask,
  mainJs,
  onlyRunId,
  readEvents,
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

const CLAUDE_CODE = ['--provider', 'claude-code', '--offline'];

describe('claude-code run killed with SIGKILL, then --resume', () => {
  it('continues the killed task in the same Claude Code session', async () => {
    const project = slowM1Project();
    const latency = writeLatencyPlan(project, { defaultMs: 0, perTask: { M1: 1500 } });
    const running = startRun(project, [...CLAUDE_CODE, '--scripted-latency', latency, '--concurrency', '2']);
    const runId = await waitFor('the run directory', () => onlyRunId(project), { running, timeoutMs: 60_000 });
    await waitFor(
      'C1 committed and M1 mid-session',
      () => readEvents(project, runId).some((e) => e.type === 'task:commit' && e.task === 'C1') && transcriptTurns(project, runId, 'M1').length >= 1,
      { running, timeoutMs: 60_000 },
    );
    running.child.kill('SIGKILL');
    expect((await running.done).signal).toBe('SIGKILL');
    expect(commitsPerTask(project.workspaceDir).has('M1')).toBe(false);
    const before = readTranscript(transcriptPath(project, runId, 'M1'));
    const sessionId = before[0]?.sessionId;
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);

    const resumed = await runCli(project, ['--resume', ...CLAUDE_CODE]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(Object.fromEntries(commitsPerTask(project.workspaceDir))).toEqual(Object.fromEntries(SMALL.map((t) => [t.id, 1])));

    const after = readTranscript(transcriptPath(project, runId, 'M1'));
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.length).toBeGreaterThan(before.length);
    // The turns after the kill are in the same Claude Code session, numbered on, opened by the carry-on prompt.
    expect(new Set(after.map((t) => t.sessionId))).toEqual(new Set([sessionId]));
    expect(after.map((t) => t.turn)).toEqual(after.map((_, i) => i + 1));
    expect(after[before.length]?.prompt).toMatch(/interrupted.*Continue/);
    expect(readFileSync(path.join(project.workspaceDir, 'out/M1.txt'), 'utf8')).toBe('M1 output\n');
  }, 180_000);
});
