// Shared checks for the fault suite: what every faulted run must leave behind.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { Project } from '../pipeline/fixture.js';
import { commitsPerTask, lockFile, SMALL, type Finished, type Running } from '../cli-run/helpers.js';

/**
 * Every JSON Lines file of a run parses line by line: no corrupt line anywhere but,
 * with `allowCutLastLine` (a run that died mid-write), the last one, which readers drop.
 */
export function expectRecordsParse(runDir: string, options: { allowCutLastLine?: boolean } = {}): void {
  const files = [path.join(runDir, 'events.ndjson')];
  const transcripts = path.join(runDir, 'transcripts');
  if (existsSync(transcripts)) files.push(...readdirSync(transcripts).map((f) => path.join(transcripts, f)));
  for (const file of files) {
    if (!existsSync(file)) continue;
    const lines = readFileSync(file, 'utf8').split('\n');
    for (const [index, line] of lines.entries()) {
      if (index === lines.length - 1 && (line === '' || options.allowCutLastLine)) continue;
      expect(() => JSON.parse(line), `${file}:${index + 1}`).not.toThrow();
    }
  }
  const state = path.join(runDir, 'state.json');
  if (existsSync(state)) expect(() => JSON.parse(readFileSync(state, 'utf8'))).not.toThrow();
}

export function expectEveryTaskCommittedOnce(project: Project, tasks = SMALL): void {
  expect(Object.fromEntries(commitsPerTask(project.workspaceDir))).toEqual(Object.fromEntries(tasks.map((t) => [t.id, 1])));
}

/** A user-facing failure: a message, no stack trace, the lock released. */
export function expectCleanFailure(project: Project, out: Finished, code: number, message: RegExp): void {
  expect(out.stderr, out.stderr).toMatch(message);
  expect(out.stderr).not.toMatch(/internal error|\n\s+at /);
  expect(out.code, out.stderr).toBe(code);
  expect(existsSync(lockFile(project))).toBe(false);
}

/** Waits for the child, failing (and killing it) past `deadlineMs`: a hang is a failure, not a stuck suite. */
export async function within(running: Running, deadlineMs: number): Promise<Finished> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      running.child.kill('SIGKILL');
      reject(new Error(`still running after ${deadlineMs} ms (a hang)\nstderr:\n${running.stderr()}`));
    }, deadlineMs);
  });
  try {
    return await Promise.race([running.done, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
