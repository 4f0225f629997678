// Changes nobody would see otherwise: an agent's Bash can create, edit or delete files
// outside its task's outputs, or `git commit` on its own. After each task, before its
// commit, the guard compares the workspace with what the task may touch and puts HEAD
// back where the runner left it. What it finds fails the task, with a list.
import { compileGlob } from '../util/glob.js';
import { listChangedPaths, readWorkspaceStatus, type ChangedPath } from './changedPaths.js';
import { gitRaw, headSha, LOCK_FILE_NAME } from './git.js';

export interface ScopeViolation {
  /** Changed paths no task in flight may touch. */
  outOfScope: ChangedPath[];
  /** Set when HEAD was not where the runner left it: what was found, and that it was undone. */
  headMoved?: string;
}

/** What one scope check found: the workspace's changes, and what of them (or of HEAD) is wrong. */
export interface ScopeCheck {
  /** Every changed path the check saw (after HEAD was put back, when it had moved): the task's own changes among them. */
  changes: ChangedPath[];
  violation?: ScopeViolation;
}

export class ScopeGuard {
  private constructor(
    readonly dir: string,
    private expectedHead: string | null,
    private readonly branchRef: string | undefined,
    /** Changes present before the run started (resumed work in progress): not this run's to judge. */
    private readonly preexisting: ReadonlySet<string>,
  ) {}

  static async open(dir: string): Promise<ScopeGuard> {
    const branch = (await gitRaw(dir, ['symbolic-ref', '-q', 'HEAD']).catch(() => '')).trim() || undefined;
    const preexisting = new Set((await listChangedPaths(dir)).map((c) => c.path));
    return new ScopeGuard(dir, await headSha(dir), branch, preexisting);
  }

  /** The runner committed: HEAD is expected here from now on. */
  committed(sha: string): void {
    this.expectedHead = sha;
  }

  /**
   * Puts HEAD back where the runner left it (keeping the files of any agent commit in the
   * working tree, where the scope check then finds them), and lists changed paths that
   * match none of the globs `allowedOutputs()` returns. It is asked once the workspace has
   * been read: a task that starts while git reads the workspace may already have written
   * its outputs, and a list taken before would not know it. Run it in the commit queue, so
   * no commit interleaves. The changes it saw come back too, so the secret scan of the
   * task's outputs needs no `status` of its own.
   */
  async check(allowedOutputs: () => readonly string[]): Promise<ScopeCheck> {
    // One `status` tells HEAD, its branch and the changes; only when HEAD looks moved are
    // they asked for one by one (and the changes listed again after HEAD is put back).
    const status = await readWorkspaceStatus(this.dir);
    let changes = status.changes;
    let headMoved: string | undefined;
    if (status.head !== this.expectedHead || status.branch !== this.branchRef) {
      headMoved = await this.restoreHead();
      if (headMoved) changes = await listChangedPaths(this.dir);
    }
    const allowed = allowedOutputs().map(compileGlob);
    const outOfScope = changes.filter(
      (change) => change.path !== LOCK_FILE_NAME && !this.preexisting.has(change.path) && !allowed.some((matches) => matches(change.path)),
    );
    if (!headMoved && outOfScope.length === 0) return { changes };
    return { changes, violation: { outOfScope, ...(headMoved ? { headMoved } : {}) } };
  }

  private async restoreHead(): Promise<string | undefined> {
    const branch = (await gitRaw(this.dir, ['symbolic-ref', '-q', 'HEAD']).catch(() => '')).trim() || undefined;
    const head = await headSha(this.dir);
    if (branch === this.branchRef && head === this.expectedHead) return undefined;
    const found = `HEAD was ${head?.slice(0, 7) ?? 'unborn'}${branch !== this.branchRef ? ` on ${branch ?? 'a detached HEAD'}` : ''}, not ${this.expectedHead?.slice(0, 7) ?? 'unborn'}${this.branchRef ? ` on ${this.branchRef}` : ''}`;
    if (this.branchRef) await gitRaw(this.dir, ['symbolic-ref', 'HEAD', this.branchRef]);
    // --mixed: the index and branch go back, the files stay (nothing an agent wrote is lost).
    if (this.expectedHead) await gitRaw(this.dir, ['reset', '--quiet', '--mixed', this.expectedHead]);
    return `${found} (a git commit, reset or checkout the runner did not make); it was reset to ${this.expectedHead?.slice(0, 7) ?? 'unborn'}, keeping the files`;
  }
}

export function describeViolation(violation: ScopeViolation): string {
  const parts: string[] = [];
  if (violation.headMoved) parts.push(violation.headMoved);
  if (violation.outOfScope.length > 0) {
    const listed = violation.outOfScope.slice(0, 10).map((c) => `${c.status.trim() || c.status} ${c.path}`);
    if (violation.outOfScope.length > 10) listed.push(`… and ${violation.outOfScope.length - 10} more`);
    parts.push(`changed files outside its outputs: ${listed.join(', ')}`);
  }
  return parts.join('; ');
}
