// Each test runs git with no identity and no configuration at all, the way a fresh CI
// machine would: HOME and XDG_CONFIG_HOME point at an empty directory and the system
// config is off. vitest runs each file in its own process, so this stays local.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function isolateGitEnvironment(): void {
  const home = mkdtempSync(path.join(os.tmpdir(), 'ft-home-'));
  process.env.HOME = home;
  process.env.XDG_CONFIG_HOME = home;
  process.env.GIT_CONFIG_NOSYSTEM = '1';
  for (const name of ['GIT_AUTHOR_NAME', 'GIT_AUTHOR_EMAIL', 'GIT_COMMITTER_NAME', 'GIT_COMMITTER_EMAIL', 'EMAIL']) {
    delete process.env[name];
  }
}

export function tempDir(prefix = 'ft-ws-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Writes a tree of files (`{ 'a/b.py': 'x' }`) under `root`. */
export function writeTree(root: string, files: Record<string, string>): void {
  for (const [relative, content] of Object.entries(files)) {
    const file = path.join(root, relative);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}

/** Plain git, for assertions: never through the code under test. */
export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8' });
}
