// The readable parts of an imported graph: phase ids from their titles, task titles from
// their descriptions, and the prompt each agent gets.

import type { SpecPhase, SpecTask } from './tasksMarkdown.js';

/** Readable ids: `setup`, `tests-first`, `user-story-1-browse-albums`; `phase-3-1` when the title has no ASCII words. */
export function phaseIdsOf(phases: readonly SpecPhase[]): Map<number, string> {
  const ids = new Map<number, string>();
  const used = new Set<string>();
  for (const phase of phases) {
    const words = (
      phase.title
        .toLowerCase()
        .replace(/\([^)]*\)/g, ' ')
        .match(/[a-z0-9]+/g) ?? []
    ).slice(0, 6);
    let id = words.join('-').slice(0, 48).replace(/-+$/, '') || `phase-${(phase.number ?? String(phase.index + 1)).replace(/\./g, '-')}`;
    if (used.has(id)) id = `${id}-${phase.index + 1}`;
    used.add(id);
    ids.set(phase.index, id);
  }
  return ids;
}

export function titleOf(task: SpecTask): string {
  const text = task.description.replace(/\s+/g, ' ').trim() || task.id;
  if (text.length <= 80) return text;
  const cut = text.slice(0, 80);
  return `${cut.slice(0, cut.lastIndexOf(' ') > 40 ? cut.lastIndexOf(' ') : 80)}…`;
}

export function promptOf(task: SpecTask, phase: SpecPhase, outputs: readonly string[], context: readonly string[]): string {
  const where = [`phase "${phase.title}"`, task.subsection ? `section "${task.subsection}"` : undefined, task.story ? `user story ${task.story}` : undefined]
    .filter(Boolean)
    .join(', ');
  const lines = [task.description, '', `This is task ${task.id} of the feature's spec-kit plan (tasks.md, ${where}).`];
  if (context.length > 0) lines.push(`The feature's documents are in your context: ${context.join(', ')}. Follow them.`);
  lines.push(`Write only: ${outputs.join(', ')}.`);
  if (phase.checkpoint) lines.push(`When this phase is complete: ${phase.checkpoint}`);
  return `${lines.join('\n')}\n`;
}
