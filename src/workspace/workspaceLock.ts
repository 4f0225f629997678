// One run per workspace. The lock is a file created with O_EXCL (`wx`), which is atomic on
// local file systems, holding who took it. A lock left by a process that died on this host
// is stale: it is cleared and reported, so a crash never needs manual cleanup.
import { mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { readFileSync, unlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../errors.js';
import { LOCK_FILE_NAME } from './git.js';

export interface LockOwner {
  pid: number;
  hostname: string;
  runId: string;
  startedAt: string;
}

export interface WorkspaceLock {
  /** Absolute path of the lock file. */
  file: string;
  owner: LockOwner;
  /** Set when a stale lock (its process gone) was found and cleared; the caller says so. */
  staleLockCleared?: { owner?: LockOwner; message: string };
  /** Removes the lock if it is still ours; safe to call twice. */
  release(): Promise<void>;
  /** The same, synchronously, for `process.on('exit')`. */
  releaseSync(): void;
}

export class WorkspaceLockedError extends UserError {
  constructor(
    readonly file: string,
    readonly owner: LockOwner | undefined,
  ) {
    super(
      owner
        ? `The workspace is locked by run ${owner.runId} (pid ${owner.pid} on ${owner.hostname}, started ${owner.startedAt}).`
        : `The workspace is locked: ${file} exists but is empty or unreadable (a run starting this moment, or one killed while it wrote the lock).`,
      owner
        ? `Wait for that run to finish, or use another workspace. If no run is active, delete ${file}.`
        : `If no run is starting, this lock clears itself once it is ${UNREADABLE_GRACE_MS / 1000} s old: run again in a few seconds.`,
      'workspace.locked',
    );
  }
}

/** A lock file this young with unreadable content may be mid-write by its owner. */
const UNREADABLE_GRACE_MS = 10_000;
const MAX_ATTEMPTS = 3;

export async function acquireWorkspaceLock(dir: string, options: { runId: string }): Promise<WorkspaceLock> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, LOCK_FILE_NAME);
  const owner: LockOwner = { pid: process.pid, hostname: os.hostname(), runId: options.runId, startedAt: new Date().toISOString() };
  let staleLockCleared: WorkspaceLock['staleLockCleared'];
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    if (await tryCreate(file, owner)) {
      const lock: WorkspaceLock = { file, owner, ...lockReleasers(file, owner) };
      if (staleLockCleared) lock.staleLockCleared = staleLockCleared;
      return lock;
    }
    const existing = await inspect(file);
    if (existing.kind === 'gone') continue; // released between our attempt and the read
    if (existing.kind === 'held') throw new WorkspaceLockedError(file, existing.owner);
    if (await clearIfUnchanged(file, existing.raw)) {
      staleLockCleared = existing.owner
        ? {
            owner: existing.owner,
            message: `Cleared a stale workspace lock from run ${existing.owner.runId} (pid ${existing.owner.pid} is no longer running).`,
          }
        : { message: `Cleared an unreadable workspace lock file (${file}).` };
    }
  }
  throw new WorkspaceLockedError(file, (await inspect(file)).owner);
}

async function tryCreate(file: string, owner: LockOwner): Promise<boolean> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(`${JSON.stringify(owner, null, 2)}\n`);
  } finally {
    await handle.close();
  }
  return true;
}

type Inspection = { kind: 'gone'; owner?: undefined } | { kind: 'held'; owner?: LockOwner } | { kind: 'stale'; owner?: LockOwner; raw: string };

async function inspect(file: string): Promise<Inspection> {
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'gone' };
    if (code === 'EISDIR') {
      throw new UserError(
        `The workspace lock ${file} is a directory, not a lock file.`,
        `Remove that directory (flux-triton never makes one), then run again.`,
      );
    }
    throw error;
  }
  const owner = parseOwner(raw);
  if (!owner) {
    const age = Date.now() - (await stat(file).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
    return age > UNREADABLE_GRACE_MS ? { kind: 'stale', raw } : { kind: 'held' };
  }
  // Another host's pid means nothing here; only its owner can tell whether it is stale.
  if (owner.hostname === os.hostname() && !isProcessAlive(owner.pid)) return { kind: 'stale', owner, raw };
  return { kind: 'held', owner };
}

function parseOwner(raw: string): LockOwner | undefined {
  try {
    const value = JSON.parse(raw) as Partial<LockOwner>;
    if (typeof value.pid === 'number' && typeof value.hostname === 'string' && typeof value.runId === 'string') {
      return { pid: value.pid, hostname: value.hostname, runId: value.runId, startedAt: String(value.startedAt ?? '') };
    }
  } catch {
    // fall through: unreadable
  }
  return undefined;
}

/** `kill(pid, 0)` probes without signalling: ESRCH means no such process, EPERM means alive but not ours. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Removes a stale lock, unless another process replaced it meanwhile: the file is moved
 * aside first (atomic), and moved back if what was moved is not what we judged stale.
 */
async function clearIfUnchanged(file: string, staleContent: string): Promise<boolean> {
  const aside = `${file}.stale-${process.pid}-${Date.now()}`;
  try {
    await rename(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  const moved = await readFile(aside, 'utf8');
  if (moved !== staleContent) {
    await rename(aside, file);
    return false;
  }
  await unlink(aside);
  return true;
}

function lockReleasers(file: string, owner: LockOwner): Pick<WorkspaceLock, 'release' | 'releaseSync'> {
  const isOurs = (raw: string): boolean => {
    const current = parseOwner(raw);
    return current?.pid === owner.pid && current.runId === owner.runId;
  };
  return {
    async release() {
      try {
        if (isOurs(await readFile(file, 'utf8'))) await unlink(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    },
    releaseSync() {
      try {
        if (isOurs(readFileSync(file, 'utf8'))) unlinkSync(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    },
  };
}
