// The human-readable plan: phases with their tasks, what can run side by side, the
// width, and the critical path.

import type { TaskGraph } from '../../config/types.js';
import type { GraphAnalysis } from '../analyze.js';

export function renderPlanText(graph: Pick<TaskGraph, 'name' | 'tasks' | 'phases'>, analysis: GraphAnalysis, graphLabel: string): string {
  const byId = new Map(graph.tasks.map((t) => [t.id, t] as const));
  const lines: string[] = [];
  const taskCount = graph.tasks.length;
  lines.push(
    `${graph.name} (${graphLabel}): ${taskCount} task${taskCount === 1 ? '' : 's'} in ${analysis.phases.length} phase${analysis.phases.length === 1 ? '' : 's'}`,
  );

  const idWidth = Math.max(...graph.tasks.map((t) => t.id.length));
  const titleWidth = Math.min(40, Math.max(...graph.tasks.map((t) => t.title.length)));
  analysis.phases.forEach((phase, i) => {
    lines.push('', `Phase ${i + 1}/${analysis.phases.length}: ${phase.id} (${phase.title})`);
    for (const id of phase.tasks) {
      const task = byId.get(id);
      if (!task) continue;
      const needs = analysis.needs.get(id) ?? [];
      const estimate = task.estimate === undefined ? '' : `  ~${task.estimate} min`;
      lines.push(
        `  ${id.padEnd(idWidth)}  ${task.title.padEnd(titleWidth)}  agent: ${task.agent}  needs: ${needs.length === 0 ? '-' : needs.join(', ')}${estimate}`,
      );
    }
  });

  lines.push('', 'Can run side by side (each level needs only earlier levels):');
  analysis.levels.forEach((level, i) => {
    lines.push(`  level ${i + 1}: ${level.join(', ')}`);
  });
  lines.push('', `Width: ${analysis.width} (the most tasks in one level: the parallelism with unlimited concurrency)`);

  const chain = analysis.longestChain;
  lines.push('', `Critical path by count: ${chain.tasks.join(' → ')} (${chain.total} task${chain.total === 1 ? '' : 's'})`);
  if (analysis.criticalPath.basis === 'estimate') {
    lines.push(`Critical path by estimate: ${analysis.criticalPath.tasks.join(' → ')} (${analysis.criticalPath.total} min)`);
  } else if (analysis.missingEstimates.length < taskCount) {
    lines.push(
      `No estimate-weighted critical path: ${analysis.missingEstimates.join(', ')} ha${analysis.missingEstimates.length === 1 ? 's' : 've'} no \`estimate\``,
    );
  }
  return `${lines.join('\n')}\n`;
}
