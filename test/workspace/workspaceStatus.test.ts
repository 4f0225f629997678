import { rmSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { listChangedPaths, readWorkspaceStatus } from '../../src/workspace/changedPaths.js';
import { git, isolateGitEnvironment, tempDir, writeTree } from './gitSandbox.js';

const byPath = (a: { path: string }, b: { path: string }): number => a.path.localeCompare(b.path);

describe('readWorkspaceStatus', () => {
  let dir: string;
  beforeEach(() => {
    isolateGitEnvironment();
    dir = tempDir();
    git(dir, 'init', '--quiet');
    git(dir, 'symbolic-ref', 'HEAD', 'refs/heads/work/main');
  });

  it('gives no HEAD before the first commit, and the branch it will be on', async () => {
    writeTree(dir, { 'a.txt': 'a\n' });
    const status = await readWorkspaceStatus(dir);
    expect(status).toEqual({ head: null, branch: 'refs/heads/work/main', changes: [{ status: '??', path: 'a.txt' }] });
  });

  it('gives HEAD, the branch and the same changes as listChangedPaths, in v1 codes', async () => {
    writeTree(dir, { 'kept.txt': 'k\n', 'gone.txt': 'g\n', 'staged gone.txt': 's\n', 'edited.txt': 'e\n' });
    git(dir, 'add', '.');
    git(dir, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '--quiet', '-m', 'base');
    const head = git(dir, 'rev-parse', 'HEAD').trim();
    writeTree(dir, { 'new dir/with space.txt': 'n\n', 'edited.txt': 'e2\n', 'added.txt': 'a\n', 'both.txt': 'b\n' });
    git(dir, 'add', 'added.txt', 'both.txt');
    writeTree(dir, { 'both.txt': 'b2\n' });
    rmSync(path.join(dir, 'gone.txt'));
    git(dir, 'rm', '--quiet', 'staged gone.txt');

    const status = await readWorkspaceStatus(dir);
    expect(status.head).toBe(head);
    expect(status.branch).toBe('refs/heads/work/main');
    expect([...status.changes].sort(byPath)).toEqual([...(await listChangedPaths(dir))].sort(byPath));
    expect([...status.changes].sort(byPath)).toEqual([
      { status: 'A ', path: 'added.txt' },
      { status: 'AM', path: 'both.txt' },
      { status: ' M', path: 'edited.txt' },
      { status: ' D', path: 'gone.txt' },
      { status: '??', path: 'new dir/with space.txt' },
      { status: 'D ', path: 'staged gone.txt' },
    ]);

    git(dir, 'checkout', '--quiet', '--detach');
    expect((await readWorkspaceStatus(dir)).branch).toBeUndefined();
  });
});
