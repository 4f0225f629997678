import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireWorkspaceLock, LOCK_FILE_NAME, WorkspaceLockedError } from '../../src/workspace/index.js';
import { tempDir } from './gitSandbox.js';

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid as number;
}

describe('acquireWorkspaceLock', () => {
  it('refuses a second acquire, naming the run and pid, and can be taken again after release', async () => {
    const dir = tempDir();
    const lock = await acquireWorkspaceLock(dir, { runId: 'run-a' });
    const content = JSON.parse(readFileSync(path.join(dir, LOCK_FILE_NAME), 'utf8'));
    expect(content).toMatchObject({ pid: process.pid, hostname: os.hostname(), runId: 'run-a' });
    expect(Date.parse(content.startedAt)).not.toBeNaN();

    const error = await acquireWorkspaceLock(dir, { runId: 'run-b' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkspaceLockedError);
    expect((error as Error).message).toContain('run-a');
    expect((error as Error).message).toContain(`pid ${process.pid}`);

    await lock.release();
    await lock.release(); // idempotent
    expect(existsSync(path.join(dir, LOCK_FILE_NAME))).toBe(false);
    const again = await acquireWorkspaceLock(dir, { runId: 'run-b' });
    expect(again.staleLockCleared).toBeUndefined();
    again.releaseSync();
    expect(existsSync(path.join(dir, LOCK_FILE_NAME))).toBe(false);
  });

  it('clears a stale lock left by a dead process on this host and says so', async () => {
    const dir = tempDir();
    const pid = await deadPid();
    writeFileSync(path.join(dir, LOCK_FILE_NAME), JSON.stringify({ pid, hostname: os.hostname(), runId: 'crashed-run', startedAt: '2024-01-01T00:00:00Z' }));
    const lock = await acquireWorkspaceLock(dir, { runId: 'run-c' });
    expect(lock.staleLockCleared?.message).toContain('crashed-run');
    expect(lock.staleLockCleared?.owner?.pid).toBe(pid);
    expect(JSON.parse(readFileSync(lock.file, 'utf8')).runId).toBe('run-c');
    await lock.release();
  });

  it('treats a lock from another host as held', async () => {
    const dir = tempDir();
    const pid = await deadPid();
    writeFileSync(path.join(dir, LOCK_FILE_NAME), JSON.stringify({ pid, hostname: 'elsewhere.example', runId: 'remote-run', startedAt: '' }));
    await expect(acquireWorkspaceLock(dir, { runId: 'x' })).rejects.toThrow(/remote-run/);
  });

  it('does not release a lock that another run has since taken', async () => {
    const dir = tempDir();
    const lock = await acquireWorkspaceLock(dir, { runId: 'mine' });
    writeFileSync(lock.file, JSON.stringify({ pid: process.pid, hostname: os.hostname(), runId: 'theirs', startedAt: '' }));
    await lock.release();
    expect(existsSync(lock.file)).toBe(true);
  });
});
