// Vitest global setup: some suites run the built CLI (`node dist/cli/main.js`), which
// would silently test stale code after `src/` changed and only `npx vitest` ran. So build
// first whenever a source is newer than the build (a no-op after `npm run build`).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const repo = join(import.meta.dirname, '../..');
/** tsc rewrites every output on each build, so this file's mtime is the build's time. */
export const BUILD_MARKER = join(repo, 'dist/index.js');

/** The newest modification time of what the build reads: src/ and the tsconfig files. */
export function newestSourceMtimeMs(): number {
  let newest = 0;
  const visit = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  visit(join(repo, 'src'));
  for (const file of ['tsconfig.json', 'tsconfig.build.json']) newest = Math.max(newest, statSync(join(repo, file)).mtimeMs);
  return newest;
}

export function distIsStale(): boolean {
  return !existsSync(BUILD_MARKER) || statSync(BUILD_MARKER).mtimeMs < newestSourceMtimeMs();
}

export default function setup(): void {
  if (!distIsStale()) return;
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: repo, stdio: 'inherit' });
  } catch {
    // A type error elsewhere still emits (typecheck reports it); only a build that
    // produced nothing new is fatal here.
  }
  if (distIsStale()) throw new Error('dist/ is older than src/ and `tsc -p tsconfig.build.json` did not rebuild it');
}
