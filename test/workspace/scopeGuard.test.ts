// The scope check's list of changes is what the secret scan reads (it runs no `status` of
// its own), so a file the task wrote must be in it: written, edited, in a new directory,
// or committed by the agent itself (HEAD put back, the file kept).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { outputsHoldingSecrets } from '../../src/pipeline/secretScan.js';
import { ScopeGuard } from '../../src/workspace/scopeGuard.js';
import { git, isolateGitEnvironment, tempDir, writeTree } from './gitSandbox.js';

const SECRET = 'sk-scope-test-0123456789abcdef';
const env = { SCOPE_TEST_API_KEY: SECRET };

describe('ScopeGuard.check and the secret scan on its changes', () => {
  let dir: string;
  beforeEach(() => {
    isolateGitEnvironment();
    dir = tempDir();
    git(dir, 'init', '--quiet');
    writeTree(dir, { 'out/kept.txt': 'committed before\n', 'README.md': 'r\n' });
    git(dir, 'add', '.');
    git(dir, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '--quiet', '-m', 'base');
  });

  it('returns every change it saw, and only the stray ones as a violation', async () => {
    const guard = await ScopeGuard.open(dir);
    writeTree(dir, { 'out/new/deep.txt': 'new\n', 'out/kept.txt': 'edited\n', 'stray.txt': 's\n' });
    const { changes, violation } = await guard.check(() => ['out/**']);
    expect(changes.map((c) => c.path).sort()).toEqual(['out/kept.txt', 'out/new/deep.txt', 'stray.txt']);
    expect(violation?.outOfScope.map((c) => c.path)).toEqual(['stray.txt']);
    expect((await guard.check(() => ['out/**', 'stray.txt'])).violation).toBeUndefined();
  });

  it('asks for the allowed outputs only once git has read the workspace', async () => {
    const guard = await ScopeGuard.open(dir);
    const trace = path.join(tempDir('ft-trace-'), 'trace.log');
    let statusBeforeAsking = false;
    process.env.GIT_TRACE = trace;
    try {
      await guard.check(() => {
        statusBeforeAsking = existsSync(trace) && /trace: built-in: git status/.test(readFileSync(trace, 'utf8'));
        return ['out/**'];
      });
    } finally {
      delete process.env.GIT_TRACE;
    }
    expect(statusBeforeAsking).toBe(true);
  });

  it('finds a secret in a new file, an edited file and a file in a new directory of the outputs, and nowhere else', async () => {
    const guard = await ScopeGuard.open(dir);
    writeTree(dir, {
      'out/kept.txt': `edited ${SECRET}\n`,
      'out/new/deep.txt': `key=${SECRET}\n`,
      'out/clean.txt': 'nothing here\n',
      'elsewhere/leak.txt': `${SECRET}\n`,
    });
    const { changes } = await guard.check(() => ['out/**', 'elsewhere/**']);
    expect(await outputsHoldingSecrets(dir, ['out/**'], changes, env)).toEqual(['out/kept.txt', 'out/new/deep.txt']);
    expect(await outputsHoldingSecrets(dir, ['out/kept.txt'], changes, env)).toEqual(['out/kept.txt']);
  });

  it('lists the files of a commit the agent made itself once HEAD is put back', async () => {
    const guard = await ScopeGuard.open(dir);
    writeTree(dir, { 'out/sneaky.txt': `${SECRET}\n` });
    git(dir, 'add', 'out/sneaky.txt');
    git(dir, '-c', 'user.name=agent', '-c', 'user.email=a@a', 'commit', '--quiet', '-m', 'agent commit');
    const { changes, violation } = await guard.check(() => ['out/**']);
    expect(violation?.headMoved).toMatch(/it was reset to/);
    expect(changes.map((c) => c.path)).toContain('out/sneaky.txt');
    expect(await outputsHoldingSecrets(dir, ['out/**'], changes, env)).toEqual(['out/sneaky.txt']);
  });
});
