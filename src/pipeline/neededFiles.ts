// The files a task's needs produced, handed to its agent in the first message so it does
// not spend turns discovering them. Large sets are listed rather than inlined.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gitRaw } from '../workspace/index.js';
import type { TaskSpec } from '../config/types.js';
import { compileGlob } from '../util/glob.js';

const INLINE_LIMIT_BYTES = 120_000;

export interface NeededFile {
  path: string;
  content: string;
}

export async function collectNeededFiles(workspaceDir: string, needs: readonly TaskSpec[]): Promise<NeededFile[]> {
  if (needs.length === 0) return []; // no `git ls-files` for a task that needs nothing
  const tracked = (await gitRaw(workspaceDir, ['ls-files', '-z'])).split('\0').filter(Boolean);
  const files: NeededFile[] = [];
  let budget = INLINE_LIMIT_BYTES;
  for (const need of needs) {
    const matchers = need.outputs.map(compileGlob);
    for (const file of tracked) {
      if (!matchers.some((m) => m(file))) continue;
      const content = await readFile(path.join(workspaceDir, file), 'utf8');
      if (content.length > budget) {
        files.push({ path: file, content: `(${content.length} characters; read it with the Read tool)` });
      } else {
        budget -= content.length;
        files.push({ path: file, content });
      }
    }
  }
  return files;
}
