// A run must not start over work the user has not committed: the runner commits task
// outputs and could otherwise mix the user's edits into an agent's commit, or an agent
// could overwrite them.
import { UserError } from '../errors.js';
import { listChangedPaths, type ChangedPath } from './changedPaths.js';
import { LOCK_FILE_NAME } from './git.js';
import { compileGlob } from '../util/glob.js';

/** Files changed or untracked in the workspace, except ignored files and the runner's lock. */
export async function listUserChanges(dir: string): Promise<ChangedPath[]> {
  return (await listChangedPaths(dir)).filter((change) => change.path !== LOCK_FILE_NAME);
}

/** How many files the message names before summarising the rest. */
const LISTED_FILES = 20;

export class DirtyWorkspaceError extends UserError {
  constructor(
    readonly dir: string,
    readonly changes: ChangedPath[],
  ) {
    const listed = changes.slice(0, LISTED_FILES).map((c) => `  ${c.status} ${c.path}`);
    if (changes.length > LISTED_FILES) listed.push(`  ... and ${changes.length - LISTED_FILES} more`);
    super(
      `The workspace ${dir} has ${changes.length} uncommitted change(s):\n${listed.join('\n')}\n` +
        'Commit or stash them, or use another workspace; a run never starts over uncommitted work.\n' +
        'If they are what an interrupted run left behind, resume that run.',
      `Commit them (git -C ${dir} add -A && git -C ${dir} commit), stash them (git -C ${dir} stash -u), or use another workspace.`,
      'workspace.dirty',
    );
  }
}

/** Throws DirtyWorkspaceError when the workspace has uncommitted changes, other than paths matching `expectedOutputs`. */
export async function assertCleanWorkspace(dir: string, expectedOutputs: readonly string[] = []): Promise<void> {
  const expected = expectedOutputs.map(compileGlob);
  const changes = (await listUserChanges(dir)).filter((change) => !expected.some((matches) => matches(change.path)));
  if (changes.length > 0) throw new DirtyWorkspaceError(dir, changes);
}
