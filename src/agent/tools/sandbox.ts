// Every path a tool touches must resolve inside the workspace. A lexical check catches
// `..` and absolute paths elsewhere; resolving symlinks (on the deepest part of the path
// that exists) catches links anywhere along the path that lead outside.
import type { Stats } from 'node:fs';
import { lstat, realpath, readlink } from 'node:fs/promises';
import path from 'node:path';
import { compileGlob } from '../../util/glob.js';
import { ToolError } from './toolError.js';

export interface Workspace {
  /** The workspace root as given (absolute). */
  root: string;
  /** The same root with symlinks resolved, for comparing resolved paths. */
  realRoot: string;
}

export interface ResolvedPath {
  absolute: string;
  /** Relative to the workspace root, with `/` separators; '' for the root itself. */
  relative: string;
  /**
   * The deepest part of the path that existed when it was checked (the path itself, or an
   * ancestor), with its lstat: Write uses it to skip asking the file system again. A hint
   * only: the opened descriptor is what is trusted.
   */
  deepestExisting?: { path: string; stats: Stats } | undefined;
}

export async function openWorkspace(root: string): Promise<Workspace> {
  const absolute = path.resolve(root);
  return { root: absolute, realRoot: await realpath(absolute) };
}

function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function toPosix(rel: string): string {
  return rel.split(path.sep).join('/');
}

/** Resolves a tool's path argument, refusing anything that leads outside the workspace. */
export async function resolveInWorkspace(workspace: Workspace, input: string): Promise<ResolvedPath> {
  if (input.includes('\0')) throw new ToolError(`Path ${JSON.stringify(input)} contains a NUL byte.`);
  const given = input.trim() === '' ? '.' : input;
  let absolute: string;
  if (path.isAbsolute(given)) {
    // An absolute path may name the workspace either as given or with symlinks resolved.
    const normal = path.resolve(given);
    if (isInside(workspace.root, normal)) absolute = normal;
    else if (isInside(workspace.realRoot, normal)) absolute = path.join(workspace.root, path.relative(workspace.realRoot, normal));
    else throw outside(input, 'is an absolute path outside the workspace');
  } else {
    absolute = path.resolve(workspace.root, given);
    if (!isInside(workspace.root, absolute)) throw outside(input, 'leads outside the workspace (through `..`)');
  }
  const deepestExisting = await refuseSymlinkEscape(workspace, absolute, input);
  return { absolute, relative: toPosix(path.relative(workspace.root, absolute)), deepestExisting };
}

/** Returns the deepest existing part of the path and its lstat (undefined when not even the root exists). */
async function refuseSymlinkEscape(workspace: Workspace, absolute: string, input: string): Promise<ResolvedPath['deepestExisting']> {
  // Find the deepest existing ancestor (or the path itself) and resolve its symlinks.
  let probe = absolute;
  for (;;) {
    const stats = await lstat(probe).catch(() => undefined);
    if (stats) {
      let real: string;
      try {
        real = await realpath(probe);
      } catch {
        // A dangling link: a Write would follow it to wherever it points.
        const target = await readlink(probe).catch(() => '?');
        throw new ToolError(`Path ${JSON.stringify(input)} goes through a symbolic link to a missing target (${target}); refusing to follow it.`);
      }
      if (!isInside(workspace.realRoot, real)) {
        throw outside(input, `goes through a symbolic link that leads outside the workspace (to ${real})`);
      }
      return { path: probe, stats };
    }
    const parent = path.dirname(probe);
    if (parent === probe) return undefined;
    probe = parent;
  }
}

function outside(input: string, why: string): ToolError {
  return new ToolError(`Refused: ${JSON.stringify(input)} ${why}. Paths must be relative to the workspace root or absolute inside it.`);
}

/** The task's declared outputs: the only paths Write and Edit may touch. */
export class WriteScope {
  readonly #matchers: ((p: string) => boolean)[];

  constructor(readonly globs: readonly string[]) {
    this.#matchers = globs.map((glob) => compileGlob(glob.replace(/^\.\//, '')));
  }

  allows(relative: string): boolean {
    return this.#matchers.some((matches) => matches(relative));
  }

  /** Throws a ToolError naming the allowed globs when `relative` is outside the scope. */
  check(relative: string, tool: string): void {
    // The runner commits the workspace; no glob, however broad, hands the repository itself to an agent.
    if (relative === '.git' || relative.startsWith('.git/')) {
      throw new ToolError(`Refused: ${tool} may not touch the workspace's .git directory.`);
    }
    if (this.allows(relative)) return;
    const allowed = this.globs.length > 0 ? this.globs.join(', ') : '(none: this task declares no outputs)';
    throw new ToolError(
      `Refused: ${tool} may only change this task's declared outputs, and ${JSON.stringify(relative)} is not one of them. Allowed: ${allowed}.`,
    );
  }
}
