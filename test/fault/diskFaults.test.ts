// Disk and filesystem faults through the built CLI: a full reports disk, a reports
// directory deleted or made read-only mid-run. Each run must end within its deadline with
// a clear message and exit 74, the lock released, and a --resume must finish the work
// with every record parsing and every task committed once.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listChangedPaths, setAsideOutputs } from '../../src/workspace/index.js';
import { makeProject } from '../pipeline/fixture.js';
import { mainJs, onlyRunId, readEvents, readState, runCli, runDir, startRun, waitFor, writeLatencyPlan, SMALL } from '../cli-run/helpers.js';
import { canMountTmpfs, resizeDisk, smallDisk, unmountAll } from './filesystems.js';
import { expectCleanFailure, expectEveryTaskCommittedOnce, expectRecordsParse, within } from './helpers.js';

const DEADLINE_MS = 20_000;

beforeAll(() => {
  expect(existsSync(mainJs), 'build first: npm run build').toBe(true);
});
afterAll(() => unmountAll());

describe.runIf(canMountTmpfs)('reports on a full disk (tmpfs; needs root)', () => {
  it('stops at once with exit 74, releases the lock, and resumes cleanly once there is room', async () => {
    const project = makeProject(SMALL);
    project.reportsDir = smallDisk(24);
    const out = await within(startRun(project), DEADLINE_MS);
    expectCleanFailure(project, out, 74, /cannot write .*(ENOSPC|no space)/);
    expect(out.stderr).toMatch(/--resume/);
    const runId = onlyRunId(project) as string;
    expectRecordsParse(runDir(project, runId), { allowCutLastLine: true });

    resizeDisk(project.reportsDir, 4096);
    const resumed = await within(startRun(project, ['--resume']), DEADLINE_MS);
    expect(resumed.code, resumed.stderr + JSON.stringify(readState(project, runId).tasks)).toBe(0);
    expectEveryTaskCommittedOnce(project);
    expectRecordsParse(runDir(project, runId));
  });

  it('a reports disk that fills up mid-run stops the run with exit 74; resume finishes once room is made', async () => {
    const project = makeProject(SMALL);
    project.reportsDir = smallDisk(1024);
    const latency = writeLatencyPlan(project, { defaultMs: 150 });
    const running = startRun(project, ['--scripted-latency', latency, '--concurrency', '1']);
    const runId = await waitFor('the run directory', () => onlyRunId(project), { running });
    await waitFor('a first commit', () => readEvents(project, runId).some((e) => e.type === 'task:commit'), { running });
    const filler = path.join(project.reportsDir, 'filler');
    try {
      execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=4k'], { stdio: 'ignore' });
    } catch {
      // dd stops with ENOSPC: the disk is full, which is the point.
    }
    const out = await within(running, DEADLINE_MS);
    expectCleanFailure(project, out, 74, /cannot write .*(ENOSPC|no space)/);
    expectRecordsParse(runDir(project, runId), { allowCutLastLine: true });

    rmSync(filler);
    const resumed = await within(startRun(project, ['--resume']), DEADLINE_MS);
    expect(resumed.code, resumed.stderr).toBe(0);
    expectEveryTaskCommittedOnce(project);
    expectRecordsParse(runDir(project, runId));
  });
});

describe.runIf(canMountTmpfs)('workspace on a full disk (tmpfs; needs root)', () => {
  it("a commit that fails for space fails the task with git's message, within the deadline; what it set aside is whole", async () => {
    // Random text compresses badly, so the file fits but the file plus its git object do not.
    const big = randomBytes(450 * 1024).toString('base64');
    const project = makeProject([
      { id: 'C1', phase: 'configs', turns: [{ text: 'Writing.', tools: [{ Write: { file_path: 'out/C1.txt', content: big } }] }, { text: 'Done.' }] },
    ]);
    project.workspaceDir = path.join(smallDisk(1024), 'ws');
    const out = await within(startRun(project), DEADLINE_MS);
    expect(out.code, out.stderr).toBe(1);
    expect(out.stderr).not.toMatch(/internal error/);
    const runId = onlyRunId(project) as string;
    expect(readState(project, runId).tasks.C1?.reason).toMatch(/No space left on device|Out of diskspace/);
    // Every time: the output set aside whole, the workspace clean, the rerun not refused.
    // (Under load this once failed about one run in eight: `git status` rewrote a racy
    // index on the full disk and died; the test below pins that case down.)
    expect(out.stdout + out.stderr).toMatch(/moved to/);
    expect(readFileSync(path.join(runDir(project, runId), 'failed', 'C1', 'out', 'C1.txt'), 'utf8')).toBe(big);
    expect(execFileSync('git', ['-C', project.workspaceDir, 'status', '--porcelain'], { encoding: 'utf8' })).toBe('');
    const again = await within(startRun(project), DEADLINE_MS);
    expect(again.stderr).not.toMatch(/uncommitted change/);
  });

  it('on a full disk with stale stat data in the index, failed outputs are still listed and set aside', async () => {
    const dir = path.join(smallDisk(512), 'ws');
    mkdirSync(dir);
    const git = (...args: string[]): string => execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { encoding: 'utf8' });
    git('init', '-q');
    for (let i = 0; i < 20; i++) writeFileSync(path.join(dir, `tracked${i}.txt`), `${i}\n`);
    git('add', '.');
    git('commit', '-q', '-m', 'base');
    // Same bytes, new mtimes: a plain `git status` wants to rewrite the index for these.
    const later = new Date(Date.now() + 5_000);
    for (let i = 0; i < 20; i++) utimesSync(path.join(dir, `tracked${i}.txt`), later, later);
    mkdirSync(path.join(dir, 'out'));
    writeFileSync(path.join(dir, 'out', 'C1.txt'), 'failed output\n');
    try {
      execFileSync('dd', ['if=/dev/zero', `of=${path.join(dir, '.git', 'filler')}`, 'bs=4k'], { stdio: 'ignore' });
    } catch {
      // ENOSPC: the disk is full, which is the point.
    }
    expect(await listChangedPaths(dir)).toEqual([{ status: '??', path: 'out/C1.txt' }]);
    const aside = mkdtempSync(path.join(tmpdir(), 'flux-fault-aside-'));
    expect(await setAsideOutputs(dir, ['out/**'], aside)).toEqual(['out/C1.txt']);
    expect(readFileSync(path.join(aside, 'out', 'C1.txt'), 'utf8')).toBe('failed output\n');
    expect(existsSync(path.join(dir, 'out', 'C1.txt'))).toBe(false);
  });
});

describe('reports directory deleted mid-run', () => {
  it('is a clear failure (exit 74, naming the deleted file), never a silent loss', async () => {
    const project = makeProject(SMALL);
    const latency = writeLatencyPlan(project, { defaultMs: 150 });
    const running = startRun(project, ['--scripted-latency', latency, '--concurrency', '1']);
    const runId = await waitFor('the run directory', () => onlyRunId(project), { running });
    await waitFor('a first commit', () => readEvents(project, runId).some((e) => e.type === 'task:commit'), { running });
    // Moved away in one step (an rm -r races the runner's own writes), then deleted.
    renameSync(project.reportsDir, `${project.reportsDir}.gone`);
    rmSync(`${project.reportsDir}.gone`, { recursive: true, force: true, maxRetries: 5 });
    const out = await within(running, DEADLINE_MS);
    expectCleanFailure(project, out, 74, /cannot write .*(was deleted|ENOENT)/);
  });
});

describe('runs that need no fault still finish (sanity for the helpers above)', () => {
  it('a plain run exits 0 with parsing records', async () => {
    const project = makeProject(SMALL);
    const out = await runCli(project);
    expect(out.code, out.stderr).toBe(0);
    expectRecordsParse(runDir(project, onlyRunId(project) as string));
  });
});
