import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { DirtyWorkspaceError, listUserChanges, LOCK_FILE_NAME, prepareWorkspace } from '../../src/workspace/index.js';
import { git, isolateGitEnvironment, tempDir, writeTree } from './gitSandbox.js';

describe('prepareWorkspace', () => {
  let source: string;
  let dir: string;
  beforeEach(() => {
    isolateGitEnvironment();
    source = tempDir('ft-ctx-');
    writeTree(source, { 'flux_pipeline.py': 'print("flux")\n', 'ref/shapes.md': '# shapes\n' });
    dir = path.join(tempDir(), 'workspace');
  });
  const prepare = () =>
    prepareWorkspace({ dir, contextSourceDir: source, contextFiles: ['flux_pipeline.py', 'ref/shapes.md'], graphName: 'flux-to-triton', runId: 'run-1' });

  it('initialises a repository on main and commits the context once, with no git identity configured', async () => {
    const first = await prepare();
    expect(first.created).toBe(true);
    expect(first.contextCommit).toMatch(/^[0-9a-f]{40}$/);
    expect(git(dir, 'rev-parse', '--abbrev-ref', 'HEAD').trim()).toBe('main');
    expect(git(dir, 'log', '-1', '--format=%s|%an <%ae>|%cn')).toBe(
      'Add context files for flux-to-triton|flux-triton <runner@flux-triton.local>|flux-triton\n',
    );
    expect(git(dir, 'show', '--name-only', '--format=', 'HEAD').trim().split('\n').sort()).toEqual(['.gitignore', 'flux_pipeline.py', 'ref/shapes.md']);
    const ignore = readFileSync(path.join(dir, '.gitignore'), 'utf8');
    for (const line of ['__pycache__/', '*.pyc', '.pytest_cache/', '.venv/', LOCK_FILE_NAME]) expect(ignore).toContain(line);

    const second = await prepare();
    expect(second.created).toBe(false);
    expect(second.contextCommit).toBeNull();
    expect(git(dir, 'rev-list', '--count', 'HEAD').trim()).toBe('1');
  });

  it('commits a changed context file again', async () => {
    await prepare();
    writeTree(source, { 'flux_pipeline.py': 'print("flux v2")\n' });
    const again = await prepare();
    expect(again.contextCommit).not.toBeNull();
    expect(git(dir, 'show', '--name-only', '--format=', 'HEAD').trim()).toBe('flux_pipeline.py');
  });

  it('refuses to run over uncommitted user changes, naming the files, ignoring ignored files and the lock', async () => {
    await prepare();
    writeFileSync(path.join(dir, 'flux_pipeline.py'), 'edited by the user\n');
    writeTree(dir, { 'notes/todo.txt': 'mine', '__pycache__/x.pyc': '', [LOCK_FILE_NAME]: '{}' });
    expect((await listUserChanges(dir)).map((c) => c.path).sort()).toEqual(['flux_pipeline.py', 'notes/todo.txt']);
    const error = await prepare().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DirtyWorkspaceError);
    const message = (error as DirtyWorkspaceError).message;
    expect(message).toContain('flux_pipeline.py');
    expect(message).toContain('notes/todo.txt');
    expect(message).not.toContain('.pyc');
    expect(message).toMatch(/commit or stash them, or use another workspace/i);
  });

  it('names a missing context file', async () => {
    await expect(prepareWorkspace({ dir, contextSourceDir: source, contextFiles: ['missing.py'], graphName: 'g', runId: 'r' })).rejects.toThrow(/missing\.py/);
    expect(existsSync(path.join(dir, '.git'))).toBe(true);
  });
});
