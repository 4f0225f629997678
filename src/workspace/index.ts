export { LOCK_FILE_NAME, RUNNER_EMAIL, RUNNER_NAME, gitRaw, headSha, workspaceGit } from './git.js';
export { listChangedPaths, type ChangedPath } from './changedPaths.js';
export { assertCleanWorkspace, DirtyWorkspaceError, listUserChanges } from './userChanges.js';
export { acquireWorkspaceLock, isProcessAlive, WorkspaceLockedError, type LockOwner, type WorkspaceLock } from './workspaceLock.js';
export { prepareWorkspace, WORKSPACE_IGNORES, type PrepareWorkspaceOptions, type Workspace } from './prepareWorkspace.js';
export { agentEmail, CommitQueue, commitShaFromSummary, taskCommitMessage, type TaskCommitRequest } from './commitQueue.js';
export { findTaskCommits, lastCommitForTask, type TaskCommitRecord } from './taskCommits.js';
export { outputsFingerprint } from './outputsFingerprint.js';
export { setAsideOutputs } from './setAsideOutputs.js';
