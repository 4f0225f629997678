// The first user message of a task's session: the task prompt, then the files produced by
// the tasks it needs, so the agent starts with its inputs instead of spending turns on Read.
import type { TaskSpec } from '../config/types.js';

export interface NeededFile {
  path: string;
  content: string;
}

export function buildTaskMessage(task: Pick<TaskSpec, 'id' | 'title' | 'prompt' | 'outputs'>, neededFiles: NeededFile[]): string {
  const parts: string[] = [
    `# Task ${task.id}: ${task.title}`,
    '',
    task.prompt.trim(),
    '',
    `You may write only these paths (globs, relative to the workspace root): ${task.outputs.join(', ')}`,
  ];
  if (neededFiles.length > 0) {
    parts.push('', '## Files from the tasks this one depends on', '');
    for (const file of neededFiles) {
      parts.push(`<file path="${file.path}">`, file.content.replace(/\n$/, ''), '</file>', '');
    }
  }
  parts.push('When the task is done, reply with a short summary of what you wrote.');
  return parts.join('\n');
}
