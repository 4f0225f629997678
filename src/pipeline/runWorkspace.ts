// The workspace side of a run: the folders must be usable, the workspace is locked for the
// run (and unlocked even on a hasty exit), must hold nothing that is not the run's own, and
// is prepared (git, context files) before the first task.
import { existsSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { TaskGraph } from '../config/types.js';
import { UserError } from '../errors.js';
import {
  acquireWorkspaceLock,
  assertCleanWorkspace,
  findTaskCommits,
  headSha,
  LOCK_FILE_NAME,
  prepareWorkspace,
  type WorkspaceLock,
} from '../workspace/index.js';
import type { ResumePoint } from './resume/index.js';
import type { TaskCommitRef } from './taskRunner.js';
import { assertUsableDirectory } from './usableDirectory.js';

export function assertUsableRunDirectories(workspaceDir: string, reportsDir: string): void {
  assertUsableDirectory(workspaceDir, 'the workspace', 'workspace.unusable');
  assertUsableDirectory(reportsDir, 'the reports directory', 'reports.unusable');
}

export interface LockedWorkspace {
  lock: WorkspaceLock;
  release(): Promise<void>;
}

export async function lockWorkspace(workspaceDir: string, runId: string): Promise<LockedWorkspace> {
  await mkdir(workspaceDir, { recursive: true });
  const lock = await acquireWorkspaceLock(workspaceDir, { runId });
  // A hasty exit (a second Ctrl-C calls process.exit) skips `finally`; the lock still goes.
  const releaseOnExit = (): void => lock.releaseSync();
  process.on('exit', releaseOnExit);
  return {
    lock,
    release: async () => {
      try {
        await lock.release();
      } finally {
        process.off('exit', releaseOnExit);
      }
    },
  };
}

export async function prepareRunWorkspace(workspaceDir: string, graph: TaskGraph, runId: string, resumePoint: ResumePoint | undefined): Promise<void> {
  await assertUsableWorkspace(workspaceDir);
  if (existsSync(path.join(workspaceDir, '.git'))) {
    // On resume, what the unfinished tasks' agents had written is the run's own work in progress.
    const expected = resumePoint ? graph.tasks.filter((t) => resumePoint.unfinished.includes(t.id)).flatMap((t) => t.outputs) : [];
    // No commit yet: a run was killed while preparing the workspace; what it wrote is redone below.
    if ((await headSha(workspaceDir)) === null) expected.push('.gitignore', ...graph.context);
    await assertCleanWorkspace(workspaceDir, expected);
  }
  // allowDirty: checked just above, with the resumed run's own leftovers allowed; a second,
  // stricter check in prepareWorkspace would refuse every resume of a killed session.
  await prepareWorkspace({
    dir: workspaceDir,
    contextSourceDir: path.join(graph.dir, 'context'),
    contextFiles: graph.context,
    graphName: graph.name,
    runId,
    allowDirty: true,
  });
}

/** The latest commit of each task in the workspace: the cache, the scope and resume read it. */
export async function readTaskCommits(workspaceDir: string): Promise<Map<string, TaskCommitRef>> {
  const taskCommits = new Map<string, TaskCommitRef>();
  for (const [taskId, commits] of await findTaskCommits(workspaceDir)) {
    const latest = commits[0];
    if (latest) taskCommits.set(taskId, { sha: latest.sha, inputHash: latest.inputHash, runId: latest.runId });
  }
  return taskCommits;
}

/** A folder that is not yet a git repository must be empty (but for our lock), so nothing in it is overwritten. */
async function assertUsableWorkspace(dir: string): Promise<void> {
  if (existsSync(path.join(dir, '.git'))) return;
  const entries = (await readdir(dir)).filter((name) => name !== LOCK_FILE_NAME && name !== '.gitkeep');
  if (entries.length > 0) {
    throw new UserError(
      `the workspace ${dir} is not a git repository and is not empty (${entries.slice(0, 5).join(', ')}${entries.length > 5 ? ', …' : ''})`,
      'Use an empty folder or a workspace flux-triton created.',
      'workspace.not-empty',
    );
  }
}
