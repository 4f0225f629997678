// Plain-path outputs are fingerprinted from the files themselves, globs through git: the
// two ways must agree wherever both apply, and each must notice a change.
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { outputsFingerprint } from '../../src/workspace/outputsFingerprint.js';
import { git, isolateGitEnvironment, tempDir, writeTree } from './gitSandbox.js';

const commitAll = (dir: string): void => {
  git(dir, 'add', '-A');
  git(dir, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '--quiet', '-m', 'c');
};

describe('outputsFingerprint of plain paths', () => {
  let dir: string;
  beforeEach(() => {
    isolateGitEnvironment();
    dir = tempDir();
    git(dir, 'init', '--quiet');
    writeTree(dir, { 'README.md': 'r\n' });
    commitAll(dir);
  });

  it('equals the fingerprint git lists for the same files, tracked or untracked, in any order', async () => {
    writeTree(dir, { 'out/a.py': 'a\n', 'out/b.py': 'b\n' });
    // `[a]` is a wildcard for the matcher, so that glob goes through `git ls-files`.
    const viaGit = (): Promise<string> => outputsFingerprint(dir, ['out/[a].py', 'out/[b].py']);
    expect(await outputsFingerprint(dir, ['out/b.py', './out/a.py'])).toBe(await viaGit());
    commitAll(dir);
    expect(await outputsFingerprint(dir, ['out/a.py', 'out/b.py'])).toBe(await viaGit());
    writeTree(dir, { 'out/a.py': 'edited\n' });
    expect(await outputsFingerprint(dir, ['out/a.py', 'out/b.py'])).toBe(await viaGit());
    // Mixed: one plain path read directly, one glob listed by git.
    expect(await outputsFingerprint(dir, ['out/a.py', 'out/[b].py'])).toBe(await viaGit());
  });

  it('changes when the file is written, edited or deleted; a rerun on the same bytes matches', async () => {
    const outputs = ['out/model.py', 'docs/notes.md'];
    const nothing = await outputsFingerprint(dir, outputs);
    writeTree(dir, { 'out/model.py': 'v1\n' });
    const written = await outputsFingerprint(dir, outputs);
    expect(written).not.toBe(nothing);
    expect(await outputsFingerprint(dir, outputs)).toBe(written);
    writeTree(dir, { 'elsewhere.txt': 'x\n', 'out/other.py': 'x\n' });
    expect(await outputsFingerprint(dir, outputs)).toBe(written);
    commitAll(dir);
    expect(await outputsFingerprint(dir, outputs)).toBe(written);
    writeTree(dir, { 'out/model.py': 'v2\n' });
    const edited = await outputsFingerprint(dir, outputs);
    expect(edited).not.toBe(written);
    writeTree(dir, { 'out/model.py': 'v1\n' });
    expect(await outputsFingerprint(dir, outputs)).toBe(written);
    rmSync(path.join(dir, 'out/model.py'));
    const deleted = await outputsFingerprint(dir, outputs);
    expect([written, edited]).not.toContain(deleted);
    // A missing plain path counts as absent, whether it was ever committed or not.
    expect(deleted).toBe(nothing);
    writeTree(dir, { 'docs/notes.md': 'n\n' });
    expect(await outputsFingerprint(dir, outputs)).not.toBe(deleted);
  });

  it('runs no git for plain paths (works outside a repository), counts links, not directories', async () => {
    const plainDir = tempDir();
    const outputs = ['out/a.txt', 'out/link.txt', 'out/sub'];
    const empty = await outputsFingerprint(plainDir, outputs);
    mkdirSync(path.join(plainDir, 'out/sub'), { recursive: true });
    writeTree(plainDir, { 'out/sub/inside.txt': 'i\n' });
    expect(await outputsFingerprint(plainDir, outputs)).toBe(empty);
    symlinkSync('nowhere.txt', path.join(plainDir, 'out/link.txt'));
    const dangling = await outputsFingerprint(plainDir, outputs);
    expect(dangling).not.toBe(empty);
    writeTree(plainDir, { 'out/nowhere.txt': 'target\n' });
    expect(await outputsFingerprint(plainDir, outputs)).not.toBe(dangling);
    await expect(outputsFingerprint(plainDir, ['out/*.txt'])).rejects.toThrow(/not a git repository/i);
  });
});
