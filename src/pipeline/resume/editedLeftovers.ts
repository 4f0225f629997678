// A resumed task continues from files its agent wrote before the stop. If someone edited
// them in between, the agent's commit would carry that edit under the agent's name without
// a word: compare each unfinished task's outputs with the hash taken after its last turn.
import type { TaskGraph } from '../../config/types.js';
import { existsSync } from 'node:fs';
import { readEventLog, type RunState } from '../../events/index.js';
import { outputsFingerprint } from '../../workspace/index.js';

/** One message per unfinished task whose outputs differ from what its agent last left. */
export async function findEditedLeftovers(
  workspaceDir: string,
  graph: TaskGraph,
  state: RunState,
  unfinished: readonly string[],
  eventsFile: string,
): Promise<{ task: string; message: string }[]> {
  // The event log is appended as things happen; state.json may lag a write behind it.
  const latest = new Map<string, string>();
  if (existsSync(eventsFile)) {
    for (const event of readEventLog(eventsFile)) if (event.type === 'task:outputs') latest.set(event.task, event.fingerprint);
  }
  const found: { task: string; message: string }[] = [];
  for (const task of graph.tasks) {
    const recorded = latest.get(task.id) ?? state.tasks[task.id]?.outputsFingerprint;
    if (!recorded || !unfinished.includes(task.id)) continue;
    if ((await outputsFingerprint(workspaceDir, task.outputs)) === recorded) continue;
    found.push({
      task: task.id,
      message:
        `${task.id}: its outputs (${task.outputs.join(', ')}) changed since its agent last wrote them (edited by hand?). ` +
        'The session continues with them as they are now; the commit will say so in a Resumed-With-Edits trailer. Review them with git diff before the task commits.',
    });
  }
  return found;
}
