// The plan as a Mermaid flowchart: one subgraph per phase, edges from each need to the
// task that needs it, critical-path tasks highlighted. Ids and labels are escaped so
// any task id or title renders (ids like `end` or with dots would otherwise break it).

import type { TaskGraph } from '../../config/types.js';
import { mermaidNodeIds } from '../../util/mermaidIds.js';
import type { GraphAnalysis } from '../analyze.js';

/** Text inside `["…"]`: Mermaid entity codes for the characters that would end or re-mark it. */
export function escapeMermaidLabel(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/[#"<>&`]/g, (c) => `#${c.charCodeAt(0)};`);
}

export function renderPlanMermaid(graph: Pick<TaskGraph, 'tasks'>, analysis: GraphAnalysis): string {
  const byId = new Map(graph.tasks.map((t) => [t.id, t] as const));
  const taskNode = mermaidNodeIds(
    graph.tasks.map((t) => t.id),
    'task_',
  );
  const phaseNode = mermaidNodeIds(
    analysis.phases.map((p) => p.id),
    'phase_',
  );
  const lines = ['flowchart TD'];
  for (const phase of analysis.phases) {
    lines.push(`  subgraph ${phaseNode.get(phase.id)} ["${escapeMermaidLabel(phase.title)}"]`);
    for (const id of phase.tasks) {
      lines.push(`    ${taskNode.get(id)}["${escapeMermaidLabel(`${id}: ${byId.get(id)?.title ?? ''}`)}"]`);
    }
    lines.push('  end');
  }
  for (const id of analysis.order) {
    for (const need of analysis.needs.get(id) ?? []) lines.push(`  ${taskNode.get(need)} --> ${taskNode.get(id)}`);
  }
  const critical = analysis.criticalPath.tasks.map((id) => taskNode.get(id));
  if (critical.length > 0) {
    lines.push('  classDef critical stroke-width:3px,stroke:#d9480f');
    lines.push(`  class ${critical.join(',')} critical`);
  }
  return `${lines.join('\n')}\n`;
}
