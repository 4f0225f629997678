// `run --sync-tasks`: as spec-kit's /implement does, tick `- [ ] T012` → `- [x] T012` in
// the tasks.md an imported graph came from, as each task finishes. Only that one byte of
// each finished task's line changes: line endings, spacing, BOM and everything else stay.

import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UserError } from '../../errors.js';
import type { RunEvent } from '../../events/types.js';
import { readGraphSource } from './graphYaml.js';

const OPEN_TASK = /^(\s*[-*+]\s+\[) (\]\s+)(T\d+)\b/;
const FENCE = /^\s*(```|~~~)/;

/** The text with the open checkboxes of `ids` ticked, and which ids were ticked. */
export function tickTasks(text: string, ids: ReadonlySet<string>): { text: string; ticked: string[] } {
  const ticked: string[] = [];
  let inFence = false;
  // Split on \n only, so a \r stays at the end of its line and joins back unchanged.
  const lines = text.split('\n').map((line) => {
    if (FENCE.test(line)) inFence = !inFence;
    if (inFence) return line;
    const open = OPEN_TASK.exec(line);
    if (!open || !ids.has(open[3] as string)) return line;
    ticked.push(open[3] as string);
    return `${open[1]}x${line.slice((open[1] as string).length + 1)}`;
  });
  return { text: lines.join('\n'), ticked };
}

export class TasksSync {
  readonly ticked: string[] = [];

  private constructor(readonly tasksFile: string) {}

  /** Refuses (before the run starts) a graph that `import spec-kit` did not write, or whose tasks.md is gone. */
  static forGraph(graphFile: string): TasksSync {
    const graph = resolve(graphFile);
    const source = existsSync(graph) ? readGraphSource(readFileSync(graph, 'utf8')) : undefined;
    if (source === undefined) {
      throw new UserError(
        `cannot tick tasks.md: ${graphFile} was not written by \`flux-triton import spec-kit\`, so there is no tasks.md to tick`,
        'Import the plan first (flux-triton import spec-kit specs/<feature>/tasks.md).',
        'tasks-sync.not-imported',
      );
    }
    const tasksFile = resolve(dirname(graph), source);
    if (!existsSync(tasksFile) || !statSync(tasksFile).isFile()) {
      throw new UserError(
        `cannot tick tasks.md: the graph was imported from ${tasksFile}, which no longer exists`,
        'Import the plan again from where tasks.md is now.',
        'tasks-sync.source-missing',
      );
    }
    return new TasksSync(tasksFile);
  }

  /** A run-event listener: ticks a task when it succeeds (or is cached: it is done all the same). */
  readonly onEvent = (event: RunEvent): void => {
    if (event.type === 'task:state' && (event.state === 'succeeded' || event.state === 'cached')) this.tick([event.task]);
  };

  tick(ids: readonly string[]): void {
    // Read each time: the user may have edited tasks.md while the run went on. latin1 maps
    // bytes to characters one to one, so whatever the file holds is written back as it was.
    const before = readFileSync(this.tasksFile, 'latin1');
    const after = tickTasks(before, new Set(ids));
    if (after.ticked.length === 0) return;
    const temp = `${this.tasksFile}.flux-triton-${process.pid}.tmp`;
    writeFileSync(temp, after.text, { encoding: 'latin1', mode: statSync(this.tasksFile).mode });
    renameSync(temp, this.tasksFile);
    this.ticked.push(...after.ticked);
  }
}
