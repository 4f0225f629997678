// Real filesystem faults for the fault suite: a tiny tmpfs that fills up (ENOSPC) and a
// read-only mount. Both need root (mount); as another user a read-only directory is made
// with chmod instead, and a full disk is not available (the suite says so when it skips).
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const mounted: string[] = [];

function tryMount(dir: string, options: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'ignore' });
    mounted.push(dir);
    return true;
  } catch {
    return false;
  }
}

/** True when this process may mount a tmpfs (root in a container that allows it). */
export const canMountTmpfs: boolean = (() => {
  if (process.getuid?.() !== 0) return false;
  const probe = mkdtempSync(path.join(tmpdir(), 'flux-fault-probe-'));
  if (!tryMount(probe, 'size=64k')) return false;
  unmountAll();
  return true;
})();

/** A directory on a tmpfs of `sizeKb` KiB: writes past that fail with ENOSPC. */
export function smallDisk(sizeKb: number): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'flux-fault-disk-'));
  if (!tryMount(dir, `size=${sizeKb}k`)) throw new Error(`could not mount a tmpfs on ${dir}`);
  return dir;
}

/** Grows (or shrinks) the tmpfs at `dir`, keeping its files. */
export function resizeDisk(dir: string, sizeKb: number): void {
  execFileSync('mount', ['-o', `remount,size=${sizeKb}k`, dir], { stdio: 'ignore' });
}

/**
 * A directory nobody may write into: a read-only tmpfs as root (root ignores file modes),
 * mode 0555 for anyone else.
 */
export function readOnlyDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'flux-fault-ro-'));
  if (process.getuid?.() === 0) {
    if (!tryMount(dir, 'ro,size=64k')) throw new Error(`could not mount a read-only tmpfs on ${dir}`);
  } else {
    chmodSync(dir, 0o555);
  }
  return dir;
}

/** Whether a read-only directory can be made here (root needs mount; others use chmod). */
export const canMakeReadOnlyDir: boolean = process.getuid?.() !== 0 || canMountTmpfs;

export function unmountAll(): void {
  for (const dir of mounted.splice(0)) {
    try {
      execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
    } catch {
      // Already gone.
    }
  }
}
