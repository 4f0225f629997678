import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  CommitQueue,
  commitShaFromSummary,
  findTaskCommits,
  headSha,
  lastCommitForTask,
  outputsFingerprint,
  prepareWorkspace,
} from '../../src/workspace/index.js';
import { git, isolateGitEnvironment, tempDir, writeTree } from './gitSandbox.js';

const request = (n: number) => ({
  taskId: `T00${n}`,
  title: `Model ${n} model.py`,
  agent: `agent-${n}`,
  model: 'claude-sonnet-4-5',
  runId: 'run-42',
  tokens: 1000 + n,
  outputs: [`triton_models/m${n}/**`],
});

/** The git commands `operation` ran (GIT_TRACE), without git's own `maintenance`, each with its whole trace entry. */
async function tracedGit<T>(operation: () => Promise<T>): Promise<{ result: T; commands: { name: string; line: string }[] }> {
  const trace = path.join(tempDir('ft-trace-'), 'trace.log');
  process.env.GIT_TRACE = trace;
  const result = await operation().finally(() => delete process.env.GIT_TRACE);
  // One record per trace entry: a commit's message spans several lines, its pathspec follows it.
  const commands = readFileSync(trace, 'utf8')
    .split(/\n(?=\d{2}:\d{2}:\d{2}\.\d+ )/)
    .flatMap((line) => {
      const name = /trace: built-in: git (\w+)/.exec(line)?.[1];
      // (git commit itself may start `git maintenance run --auto`; that one is git's, not ours.)
      return name && name !== 'maintenance' ? [{ name, line }] : [];
    });
  return { result, commands };
}

describe('CommitQueue', () => {
  let dir: string;
  beforeEach(async () => {
    isolateGitEnvironment();
    const source = tempDir('ft-ctx-');
    writeTree(source, { 'ctx.py': 'x = 1\n' });
    dir = path.join(tempDir(), 'ws');
    await prepareWorkspace({ dir, contextSourceDir: source, contextFiles: ['ctx.py'], graphName: 'g', runId: 'run-42' });
  });

  it('commits five concurrent tasks, each with exactly its own files and trailers', async () => {
    for (let n = 1; n <= 5; n++) {
      writeTree(dir, { [`triton_models/m${n}/config.pbtxt`]: `name: "m${n}"\n`, [`triton_models/m${n}/1/model.py`]: `# ${n}\n` });
    }
    writeTree(dir, { 'scratch/notes.txt': 'not an output', 'triton_models/other/x.py': 'stray', 'triton_models/m1/__pycache__/a.pyc': '' });
    const queue = new CommitQueue(dir);
    const commits = await Promise.all([1, 2, 3, 4, 5].map((n) => queue.commitTask(request(n))));

    expect(git(dir, 'rev-list', '--count', 'HEAD').trim()).toBe('6');
    for (const [index, commit] of commits.entries()) {
      const n = index + 1;
      expect(commit).not.toBeNull();
      const files = git(dir, 'show', '--name-only', '--format=', commit!.sha).trim().split('\n').sort();
      expect(files).toEqual([`triton_models/m${n}/1/model.py`, `triton_models/m${n}/config.pbtxt`]);
      expect(commit!.files).toEqual(files);
      expect(git(dir, 'log', '-1', '--format=%an <%ae>|%cn <%ce>|%G?', commit!.sha).trim()).toBe(
        `agent-${n} <agent-${n}@flux-triton.local>|flux-triton <runner@flux-triton.local>|N`,
      );
      expect(commit!.message).toBe(
        `T00${n}: Model ${n} model.py\n\nTask: T00${n}\nAgent: agent-${n}\nModel: claude-sonnet-4-5\nRun: run-42\nTokens: ${1000 + n}`,
      );
    }
    expect(git(dir, 'status', '--porcelain', '-uall').trim().split('\n').sort()).toEqual(['?? scratch/notes.txt', '?? triton_models/other/x.py']);

    const byTask = await findTaskCommits(dir);
    expect([...byTask.keys()].sort()).toEqual(['T001', 'T002', 'T003', 'T004', 'T005']);
    expect(byTask.get('T003')).toEqual([
      expect.objectContaining({ sha: commits[2]!.sha, runId: 'run-42', agent: 'agent-3', model: 'claude-sonnet-4-5', tokens: 1003 }),
    ]);
    expect(Date.parse(byTask.get('T003')![0]!.at)).not.toBeNaN();
  });

  it('returns null when nothing matching the outputs changed, and records deletions', async () => {
    const queue = new CommitQueue(dir);
    const before = await headSha(dir);
    expect(await queue.commitTask(request(1))).toBeNull();
    expect(await headSha(dir)).toBe(before);

    writeTree(dir, { 'triton_models/m1/a.py': 'a\n' });
    const first = await queue.commitTask(request(1));
    rmSync(path.join(dir, 'triton_models/m1/a.py'));
    writeTree(dir, { 'triton_models/m1/b.py': 'b\n' });
    const second = await queue.commitTask({ ...request(1), runId: 'run-43', trailers: { 'Input-Hash': 'sha256:abc123' } });
    expect(git(dir, 'show', '--name-status', '--format=', second!.sha).trim().split('\n').sort()).toEqual([
      'A\ttriton_models/m1/b.py',
      'D\ttriton_models/m1/a.py',
    ]);
    const last = await lastCommitForTask(dir, 'T001');
    expect(last).toMatchObject({ sha: second!.sha, runId: 'run-43', inputHash: 'sha256:abc123' });
    expect(last!.trailers).toMatchObject({ Task: 'T001', 'Input-Hash': 'sha256:abc123' });
    await expect(queue.commitTask({ ...request(1), trailers: { 'Bad Key': 'x' } })).rejects.toThrow(/trailer key/);
    expect((await findTaskCommits(dir)).get('T001')!.map((c) => c.sha)).toEqual([second!.sha, first!.sha]);
    expect(await lastCommitForTask(dir, 'T999')).toBeUndefined();
  });

  it('commits literal, nested and wildcard-first outputs (deletions too) and leaves what the user staged staged', async () => {
    const queue = new CommitQueue(dir);
    writeTree(dir, { 'README.md': 'r\n', 'models/a/1/model.py': 'm\n', 'logs/x/run.log': 'l\n', 'user.txt': 'mine\n', 'models/b/other.py': 'o\n' });
    git(dir, 'add', 'user.txt');
    const outputs = ['README.md', 'models/a/*/model.py', '**/*.log'];
    const first = await queue.commitTask({ ...request(7), outputs });
    expect(first!.sha).toBe(git(dir, 'rev-parse', 'HEAD').trim());
    expect(first!.files).toEqual(['README.md', 'logs/x/run.log', 'models/a/1/model.py']);
    expect(git(dir, 'show', '--name-only', '--format=', first!.sha).trim().split('\n').sort()).toEqual(first!.files);
    expect(git(dir, 'status', '--porcelain', '-uall').trim().split('\n').sort()).toEqual(['?? models/b/other.py', 'A  user.txt']);

    rmSync(path.join(dir, 'README.md'));
    writeTree(dir, { 'models/a/1/model.py': 'm2\n' });
    const second = await queue.commitTask({ ...request(7), outputs });
    expect(git(dir, 'show', '--name-status', '--format=', second!.sha).trim().split('\n').sort()).toEqual(['D\tREADME.md', 'M\tmodels/a/1/model.py']);
    expect(git(dir, 'diff', '--cached', '--name-only').trim()).toBe('user.txt');
  });

  it('returns null when the only change to an output was staged and then undone in the file', async () => {
    const queue = new CommitQueue(dir);
    writeTree(dir, { 'triton_models/m3/a.py': 'a\n' });
    const first = await queue.commitTask(request(3));
    // status lists the path (the index differs from HEAD), but after `add` nothing differs.
    writeTree(dir, { 'triton_models/m3/a.py': 'b\n' });
    git(dir, 'add', 'triton_models/m3/a.py');
    writeTree(dir, { 'triton_models/m3/a.py': 'a\n' });
    expect(git(dir, 'status', '--porcelain').trim()).toBe('MM triton_models/m3/a.py');
    expect(await queue.commitTask(request(3))).toBeNull();
    expect(await headSha(dir)).toBe(first!.sha);
  });

  it('with plain-path outputs, commits exactly the changed ones (the add --verbose path) and falls back for directories and ignored paths', async () => {
    const queue = new CommitQueue(dir);
    writeTree(dir, { 'cfg/a.pbtxt': 'a\n', 'cfg/b.pbtxt': 'b\n', 'user.txt': 'mine\n' });
    const outputs = ['cfg/a.pbtxt', './cfg/b.pbtxt'];
    const first = await queue.commitTask({ ...request(8), outputs });
    expect(first!.files).toEqual(['cfg/a.pbtxt', 'cfg/b.pbtxt']);
    expect(first!.sha).toBe(git(dir, 'rev-parse', 'HEAD').trim());

    git(dir, 'add', 'user.txt');
    writeTree(dir, { 'cfg/b.pbtxt': 'b2\n' });
    // The user's `add` wrote the index since the queue's last commit, so the queue asks
    // once whether anything is staged, then adds and commits (with the paths: user.txt is).
    const { result: second, commands } = await tracedGit(() => queue.commitTask({ ...request(8), outputs }));
    expect(commands.map((c) => c.name)).toEqual(['diff', 'add', 'commit']);
    expect(commands[2]!.line).toContain(' -- ');
    expect(second!.files).toEqual(['cfg/b.pbtxt']);
    expect(git(dir, 'show', '--name-status', '--format=', second!.sha).trim()).toBe('M\tcfg/b.pbtxt');
    expect(git(dir, 'diff', '--cached', '--name-only').trim()).toBe('user.txt');
    // Nothing else touched the index since: two git commands, no status, no diff.
    writeTree(dir, { 'cfg/a.pbtxt': 'a2\n' });
    const { result: third, commands: thirdCommands } = await tracedGit(() => queue.commitTask({ ...request(8), outputs }));
    expect(thirdCommands.map((c) => c.name)).toEqual(['add', 'commit']);
    expect(git(dir, 'show', '--name-status', '--format=', third!.sha).trim()).toBe('M\tcfg/a.pbtxt');
    expect(git(dir, 'diff', '--cached', '--name-only').trim()).toBe('user.txt');
    expect(await queue.commitTask({ ...request(8), outputs })).toBeNull();

    // A plain path naming a directory means that path, not the files inside it.
    writeTree(dir, { 'cfg/dir/inner.txt': 'i\n' });
    expect(await queue.commitTask({ ...request(8), outputs: ['cfg/dir'] })).toBeNull();
    // An ignored path is not an output change (git refuses to add it).
    writeTree(dir, { '.gitignore': 'ignored.txt\n', 'ignored.txt': 'x\n' });
    expect(await queue.commitTask({ ...request(8), outputs: ['ignored.txt'] })).toBeNull();
    expect(await headSha(dir)).toBe(third!.sha);
  });

  it('commits the whole index (no temporary index) while nothing else is staged, and keeps a file the user stages mid-run staged', async () => {
    const queue = new CommitQueue(dir);
    writeTree(dir, { 'out/a.txt': 'a\n' });
    const first = await queue.commitTask({ ...request(1), outputs: ['out/a.txt'] });
    expect(git(dir, 'show', '--name-only', '--format=', first!.sha).trim()).toBe('out/a.txt');

    // Index unchanged since the queue's commit and nothing staged: add, then a plain commit.
    writeTree(dir, { 'out/b.txt': 'b\n', 'notes.txt': 'not an output\n' });
    const plain = await tracedGit(() => queue.commitTask({ ...request(2), outputs: ['out/b.txt'] }));
    expect(plain.commands.map((c) => c.name)).toEqual(['add', 'commit']);
    expect(plain.commands[1]!.line).not.toContain(' -- ');
    expect(git(dir, 'show', '--name-only', '--format=', plain.result!.sha).trim()).toBe('out/b.txt');
    expect(plain.result!.message).toMatch(/\nTask: T002\nAgent: agent-2\n/);
    expect(git(dir, 'log', '-1', '--format=%(trailers:key=Task,valueonly)').trim()).toBe('T002');

    // The user stages a file between two tasks: it is not committed and stays staged.
    writeTree(dir, { 'mine.txt': 'mine\n', 'out/c.txt': 'c\n', 'out/d/e.txt': 'e\n' });
    git(dir, 'add', 'mine.txt');
    const withUser = await tracedGit(() => queue.commitTask({ ...request(3), outputs: ['out/c.txt', 'out/d/*.txt'] }));
    expect(withUser.commands.map((c) => c.name)).toEqual(['diff', 'status', 'add', 'commit']);
    expect(git(dir, 'show', '--name-only', '--format=', withUser.result!.sha).trim().split('\n').sort()).toEqual(['out/c.txt', 'out/d/e.txt']);
    expect(git(dir, 'diff', '--cached', '--name-only').trim()).toBe('mine.txt');
    writeTree(dir, { 'out/f.txt': 'f\n' });
    const stillStaged = await queue.commitTask({ ...request(4), outputs: ['out/f.txt'] });
    expect(git(dir, 'show', '--name-only', '--format=', stillStaged!.sha).trim()).toBe('out/f.txt');
    expect(git(dir, 'diff', '--cached', '--name-only').trim()).toBe('mine.txt');

    // Once the user unstages it, the queue notices (the index changed) and commits plainly again.
    git(dir, 'reset', '--quiet', '--', 'mine.txt');
    writeTree(dir, { 'out/g.txt': 'g\n' });
    const again = await tracedGit(() => queue.commitTask({ ...request(5), outputs: ['out/g.txt'] }));
    expect(again.commands.map((c) => c.name)).toEqual(['diff', 'add', 'commit']);
    expect(again.commands[2]!.line).not.toContain(' -- ');
    expect(git(dir, 'show', '--name-only', '--format=', again.result!.sha).trim()).toBe('out/g.txt');
    expect(git(dir, 'status', '--porcelain', '-uall').trim().split('\n').sort()).toEqual(['?? mine.txt', '?? notes.txt']);
    expect([...(await findTaskCommits(dir)).keys()].sort()).toEqual(['T001', 'T002', 'T003', 'T004', 'T005']);
  });

  it('takes a plain commit back and commits the paths when it holds a different number of files than were staged', async () => {
    const queue = new CommitQueue(dir);
    writeTree(dir, { 'out/a.txt': 'the same content, long enough to be a rename\n' });
    const first = await queue.commitTask({ ...request(1), outputs: ['out/*.txt'] });
    // A move: two staged paths, which git's summary counts as one renamed file.
    rmSync(path.join(dir, 'out/a.txt'));
    writeTree(dir, { 'out/b.txt': 'the same content, long enough to be a rename\n' });
    const moved = await tracedGit(() => queue.commitTask({ ...request(1), outputs: ['out/*.txt'] }));
    expect(moved.commands.map((c) => c.name)).toEqual(['status', 'add', 'commit', 'reset', 'commit']);
    expect(moved.result!.files).toEqual(['out/a.txt', 'out/b.txt']);
    expect(git(dir, 'rev-parse', `${moved.result!.sha}~1`).trim()).toBe(first!.sha);
    expect(git(dir, 'show', '--name-status', '--no-renames', '--format=', moved.result!.sha).trim().split('\n')).toEqual(['D\tout/a.txt', 'A\tout/b.txt']);
    expect(git(dir, 'status', '--porcelain', '-uall').trim()).toBe('');
  });

  it('reads the full commit id from the summary line git prints', () => {
    const sha = 'f58eed5f1ecd9aea89f2df01abe23706c94c03b0';
    expect(commitShaFromSummary(`[main ${sha}] T013: DIT model.py\n 1 file changed`)).toBe(sha);
    expect(commitShaFromSummary(`[main (root-commit) ${sha}] x`)).toBe(sha);
    expect(commitShaFromSummary(`[detached HEAD ${sha}] x`)).toBe(sha);
    expect(commitShaFromSummary('[main f58eed5] x')).toBeUndefined(); // abbreviated: the caller asks rev-parse
  });

  it('keeps going after a failed operation', async () => {
    const queue = new CommitQueue(dir);
    await expect(
      queue.run(async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    writeTree(dir, { 'triton_models/m2/x.py': 'x\n' });
    expect(await queue.commitTask(request(2))).not.toBeNull();
  });

  it("skips git's upkeep after each commit and runs it once afterwards, only when something was committed", async () => {
    const maintenanceRuns = async (operation: () => Promise<unknown>): Promise<number> => {
      const trace = path.join(tempDir('ft-trace-'), 'trace.log');
      process.env.GIT_TRACE = trace;
      await operation().finally(() => delete process.env.GIT_TRACE);
      // No file: no git process at all.
      return existsSync(trace) ? (readFileSync(trace, 'utf8').match(/trace: built-in: git maintenance/g) ?? []).length : 0;
    };
    const queue = new CommitQueue(dir);
    expect(await maintenanceRuns(() => queue.maintainAfterCommits())).toBe(0);
    writeTree(dir, { 'triton_models/m1/a.py': 'a\n', 'triton_models/m2/b.py': 'b\n' });
    const commits = await maintenanceRuns(() => Promise.all([queue.commitTask(request(1)), queue.commitTask(request(2))]));
    expect(git(dir, 'rev-list', '--count', 'HEAD').trim()).toBe('3');
    expect(commits).toBe(0);
    expect(await maintenanceRuns(() => queue.maintainAfterCommits())).toBe(1);
    expect(await maintenanceRuns(() => queue.maintainAfterCommits())).toBe(0);
  });
});

describe('outputsFingerprint', () => {
  beforeEach(() => isolateGitEnvironment());

  it('changes when an output changes or disappears, not when other files do', async () => {
    const source = tempDir('ft-ctx-');
    writeTree(source, { 'ctx.py': '' });
    const dir = path.join(tempDir(), 'ws');
    await prepareWorkspace({ dir, contextSourceDir: source, contextFiles: ['ctx.py'], graphName: 'g', runId: 'r' });
    writeTree(dir, { 'out/a.py': 'a', 'out/b.py': 'b' });
    await new CommitQueue(dir).commitTask({ ...request(1), outputs: ['out/*.py'] });
    const base = await outputsFingerprint(dir, ['out/*.py']);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    writeTree(dir, { 'elsewhere.txt': 'x', 'out/__pycache__/a.pyc': 'x' });
    expect(await outputsFingerprint(dir, ['out/*.py'])).toBe(base);
    writeTree(dir, { 'out/a.py': 'changed' });
    const changed = await outputsFingerprint(dir, ['out/*.py']);
    expect(changed).not.toBe(base);
    rmSync(path.join(dir, 'out/a.py'));
    expect(await outputsFingerprint(dir, ['out/*.py'])).not.toBe(changed);
  });
});
