import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gitRaw } from '../../src/workspace/git.js';
import { closeGitShells, GIT_SHELL_SWITCH, gitShellPids, MarkedStream, shellQuote } from '../../src/workspace/gitShell.js';
import { git, isolateGitEnvironment, tempDir, writeTree } from './gitSandbox.js';

const REPO = path.resolve(import.meta.dirname, '../..');

describe('MarkedStream', () => {
  const marker = Buffer.from('\0abc:');

  it('finds the marker line wherever the chunks split it, keeping NULs and look-alikes before it', () => {
    const whole = Buffer.concat([Buffer.from('a\0b\0ab\0abc\0ab'), marker, Buffer.from('128\n')]);
    for (let cut = 0; cut <= whole.length; cut += 1) {
      for (let cut2 = cut; cut2 <= whole.length; cut2 += 3) {
        const stream = new MarkedStream(marker);
        const parts = [whole.subarray(0, cut), whole.subarray(cut, cut2), whole.subarray(cut2)];
        const results = parts.map((part) => stream.push(part));
        const found = results.find((r) => r !== undefined);
        expect(results.filter((r) => r !== undefined)).toHaveLength(1);
        expect(found?.before.toString('latin1')).toBe('a\0b\0ab\0abc\0ab');
        expect(found?.rest.toString()).toBe('128');
      }
    }
  });

  it('starts afresh after a marker line, for the next command', () => {
    const stream = new MarkedStream(marker);
    expect(stream.push(Buffer.from('one\0abc:0\ntw'))?.before.toString()).toBe('one');
    expect(stream.push(Buffer.from('o'))).toBeUndefined();
    expect(stream.push(Buffer.from('\0abc:1\n'))?.before.toString()).toBe('two');
  });

  it('reads a large output in many small chunks', () => {
    const stream = new MarkedStream(marker);
    const chunk = Buffer.alloc(4096, 'x');
    for (let i = 0; i < 2000; i += 1) expect(stream.push(chunk)).toBeUndefined();
    const found = stream.push(Buffer.concat([marker, Buffer.from('0\n')]));
    expect(found?.before.length).toBe(4096 * 2000);
  });
});

describe('shellQuote', () => {
  it('gives back every character as it was', () => {
    for (const text of ["it's", '$(touch x) `y` "z" \\n', 'a\nb', '', "'''", '-c', '*?[a]~']) {
      expect(execFileSync('/bin/sh', ['-c', `printf %s ${shellQuote(text)}`], { encoding: 'utf8' })).toBe(text);
    }
  });
});

describe('gitRaw through the shell pool', () => {
  let dir: string;
  beforeEach(() => {
    closeGitShells();
    isolateGitEnvironment();
    dir = tempDir();
    git(dir, 'init', '--quiet');
  });
  afterEach(() => {
    delete process.env[GIT_SHELL_SWITCH];
    closeGitShells();
  });

  const both = async <T>(work: () => Promise<T>): Promise<{ shell: T; direct: T }> => {
    const shell = await work();
    expect(gitShellPids().length).toBeGreaterThan(0);
    closeGitShells();
    process.env[GIT_SHELL_SWITCH] = 'off';
    const direct = await work();
    expect(gitShellPids()).toEqual([]);
    delete process.env[GIT_SHELL_SWITCH];
    return { shell, direct };
  };

  it('gives what a directly spawned git gives, for awkward file names too', async () => {
    writeTree(dir, { "it's.txt": '1', 'new\nline.txt': '2', 'sp ace/$HOME.txt': '3', 'ünï.txt': '4', 'a\\b.txt': '5' });
    const status = () => gitRaw(dir, ['status', '--porcelain=v1', '-z', '-uall']);
    const { shell, direct } = await both(status);
    expect(shell).toBe(direct);
    expect(shell.split('\0').filter(Boolean).sort()).toEqual(['?? a\\b.txt', "?? it's.txt", '?? new\nline.txt', '?? sp ace/$HOME.txt', '?? ünï.txt']);
  });

  it('passes arguments verbatim: nothing in them is run', async () => {
    writeTree(dir, { 'a.txt': 'a' });
    await gitRaw(dir, ['add', 'a.txt']);
    // Names of this run only: the shells' directory is '/', and a broken quote would create them there.
    const mark = `pwned-${process.pid}-${Date.now()}`;
    const names = [mark, `${mark}-2`, `${mark}-3`];
    const message = `it's $(touch ${names[0]}) \`touch ${names[1]}\` "q" ; touch ${names[2]}\n\nsecond 'line'`;
    await gitRaw(dir, ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '--quiet', '--cleanup=verbatim', '-m', message]);
    expect(gitShellPids().length).toBeGreaterThan(0);
    expect(git(dir, 'log', '-1', '--format=%B')).toBe(`${message}\n\n`);
    for (const name of names) {
      expect(existsSync(path.join(dir, name))).toBe(false);
      expect(existsSync(path.join('/', name))).toBe(false);
    }
  });

  it("keeps the outcome rules: an error with stderr rejects with git's words, exit 1 without stderr resolves", async () => {
    const { shell, direct } = await both(async () => {
      const error = await gitRaw(dir, ['rev-parse', '--verify', 'no-such-ref']).then(
        () => 'resolved',
        (e: Error) => e.message,
      );
      const quiet = await gitRaw(dir, ['diff', '--no-index', '--quiet', '/dev/null', '/dev/null']);
      const nothing = await gitRaw(dir, ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '--allow-empty-message', '-m', '']).catch(
        (e: Error) => e.message,
      );
      return { error, quiet, nothing };
    });
    expect(shell).toEqual(direct);
    expect(shell.error).toContain('fatal: Needed a single revision');
    expect(shell.quiet).toBe('');
    expect(shell.nothing).toMatch(/nothing to commit/);
  });

  it('fails a call whose git a signal ended, as a direct spawn does', async () => {
    const { shell, direct } = await both(() =>
      gitRaw(dir, ['-c', 'alias.die=!kill -KILL $PPID', 'die']).then(
        () => 'resolved',
        (e: Error) => e.message,
      ),
    );
    expect(shell).toBe('git die was ended by SIGKILL');
    expect(direct).toBe(shell);
  });

  it('refuses an argument with a NUL as a direct spawn does, without touching a shell', async () => {
    const { shell, direct } = await both(async () => {
      await gitRaw(dir, ['status']); // a shell exists when the pool is on
      return gitRaw(dir, ['status', 'a\0b']).then(
        () => 'resolved',
        (e: Error) => e.message,
      );
    });
    expect(shell).toBe(direct);
    expect(shell).toMatch(/null bytes/);
  });

  it('runs calls side by side, each with its own output, and spawns directly past the pool', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `refs/heads/b${i}`);
    const outputs = await Promise.all(names.map((name) => gitRaw(dir, ['check-ref-format', '--normalize', name])));
    expect(outputs.map((o) => o.trim())).toEqual(names);
    const pids = gitShellPids();
    expect(pids.length).toBeGreaterThan(0);
    expect(pids.length).toBeLessThanOrEqual(8);
  });

  it('lets git see the environment as it is now: shells started under another one are replaced', async () => {
    const probe = () => gitRaw(dir, ['config', '--get', 'probe.value']).catch(() => '');
    expect((await probe()).trim()).toBe('');
    const [first] = gitShellPids();
    Object.assign(process.env, { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'probe.value', GIT_CONFIG_VALUE_0: 'set-later' });
    try {
      expect((await probe()).trim()).toBe('set-later');
      expect(gitShellPids()).not.toContain(first);
    } finally {
      for (const name of ['GIT_CONFIG_COUNT', 'GIT_CONFIG_KEY_0', 'GIT_CONFIG_VALUE_0']) delete process.env[name];
    }
    // A variable removed (a secret withheld) is gone for git too.
    expect((await probe()).trim()).toBe('');
  });

  it('starts a new shell when one was killed while idle', async () => {
    await gitRaw(dir, ['status']);
    const [first] = gitShellPids();
    process.kill(-(first as number), 'SIGKILL');
    await waitFor(() => !gitShellPids().includes(first as number));
    expect(await gitRaw(dir, ['rev-parse', '--is-inside-work-tree'])).toBe('true\n');
    expect(gitShellPids()).not.toContain(first);
  });

  it('fails the call, saying so, when the shell dies while git runs', async () => {
    const running = gitRaw(dir, ['-c', 'alias.wait=!sleep 5', 'wait']);
    const [pid] = gitShellPids();
    await new Promise((resolve) => setTimeout(resolve, 100));
    process.kill(-(pid as number), 'SIGKILL');
    await expect(running).rejects.toThrow(/the shell running git ended \(SIGKILL\) before git's result came back/);
  });

  it.runIf(process.platform === 'linux')('runs each shell in its own process group, out of reach of a terminal Ctrl-C', async () => {
    await gitRaw(dir, ['status']);
    for (const pid of gitShellPids()) {
      // /proc/<pid>/stat: "pid (comm) state ppid pgrp …"
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      expect(Number(fields[2])).toBe(pid);
    }
  });

  it.runIf(process.platform === 'linux')('ends its shells when the runner is killed outright (SIGKILL): their input closes', async () => {
    const script = `import { gitRaw } from ${JSON.stringify(path.join(REPO, 'dist/workspace/git.js'))};
      import { gitShellPids } from ${JSON.stringify(path.join(REPO, 'dist/workspace/gitShell.js'))};
      await gitRaw(${JSON.stringify(dir)}, ['status']);
      process.stdout.write(gitShellPids().join(',') + '\\n');
      setInterval(() => undefined, 1000);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const line = await new Promise<string>((resolve) => child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString())));
    const pids = line.trim().split(',').map(Number);
    expect(pids.length).toBeGreaterThan(0);
    expect(pids.every(isAlive)).toBe(true);
    child.kill('SIGKILL');
    await waitFor(() => !pids.some(isAlive));
  });

  it('does not keep a process alive once its work is done', () => {
    const script = `import { gitRaw } from ${JSON.stringify(path.join(REPO, 'dist/workspace/git.js'))};
      process.stdout.write(await gitRaw(${JSON.stringify(dir)}, ['rev-parse', '--is-inside-work-tree']));`;
    // A shell holding the event loop would keep this child running until the timeout kills it (and execFileSync throws).
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(out).toBe('true\n');
  });
});

/** Whether a process with this id still runs (a zombie counts as gone: it runs nothing). */
function isAlive(pid: number): boolean {
  try {
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}
