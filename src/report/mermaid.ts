// The run as Mermaid diagrams: a Gantt timeline (what ran when, by phase) and the task
// graph coloured by final state. Both render on GitHub and in most Markdown viewers.
import type { RunState, TaskRecord } from '../events/index.js';
import type { TaskState } from '../events/types.js';

/** Mermaid ids must be plain words; `end` and friends are keywords, hence the prefix. */
function nodeId(prefix: string, id: string): string {
  return `${prefix}_${id.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

/** Label text that cannot break the syntax: quotes, colons, hashes and brackets replaced. */
function label(text: string): string {
  return text.replace(/"/g, "'").replace(/[:;#]/g, ' ').replace(/[[\]{}<>]/g, ' ').replace(/\s+/g, ' ').trim();
}

const GANTT_TAG: Partial<Record<TaskState, string>> = {
  succeeded: 'done, ',
  failed: 'crit, ',
  interrupted: 'crit, ',
  running: 'active, ',
  verifying: 'active, ',
  repairing: 'active, ',
};

/**
 * `dateFormat x` takes millisecond timestamps, which avoids time-zone and parsing
 * surprises. Cached tasks become milestones at the moment they were found cached; tasks
 * that never started (blocked, pending) have no bar and are listed after the chart.
 */
export function ganttChart(state: RunState): { chart: string; notStarted: TaskRecord[] } {
  const runEnd = Date.parse(state.endedAt ?? '') || Math.max(Date.parse(state.startedAt), ...Object.values(state.tasks).map((t) => Date.parse(t.endedAt ?? '') || 0));
  const lines = ['gantt', `  title Run ${label(state.runId)}`, '  dateFormat x', '  axisFormat %H:%M:%S'];
  const notStarted: TaskRecord[] = [];
  const sections = [...state.phases.map((p) => ({ id: p.id, title: p.title })), { id: '', title: 'Other' }];
  for (const section of sections) {
    const tasks = Object.values(state.tasks).filter((t) => (section.id === '' ? !state.phases.some((p) => p.id === t.phase) : t.phase === section.id));
    const bars: string[] = [];
    for (const task of tasks) {
      const id = nodeId('t', task.id);
      const name = label(`${task.id} ${task.title}`);
      if (task.state === 'cached' && !task.startedAt) {
        const when = Date.parse(task.endedAt ?? state.startedAt);
        bars.push(`  ${name} (cached) :milestone, ${id}, ${when}, ${when + 1}`);
      } else if (task.startedAt) {
        const start = Date.parse(task.startedAt);
        const end = Math.max(start + 1, Date.parse(task.endedAt ?? '') || runEnd);
        bars.push(`  ${name} :${GANTT_TAG[task.state] ?? ''}${id}, ${start}, ${end}`);
      } else {
        notStarted.push(task);
      }
    }
    if (bars.length > 0) lines.push(`  section ${label(section.title)}`, ...bars);
  }
  return { chart: lines.join('\n'), notStarted };
}

const NODE_STYLE: Record<TaskState, string> = {
  succeeded: 'fill:#d4edda,stroke:#1e7e34,color:#155724',
  cached: 'fill:#e2f0d9,stroke:#1e7e34,stroke-dasharray:4 2,color:#155724',
  failed: 'fill:#f8d7da,stroke:#bd2130,color:#721c24',
  blocked: 'fill:#fff3cd,stroke:#d39e00,color:#856404',
  interrupted: 'fill:#e2d9f3,stroke:#6f42c1,color:#3d2370',
  running: 'fill:#d1ecf1,stroke:#117a8b,color:#0c5460',
  verifying: 'fill:#d1ecf1,stroke:#117a8b,color:#0c5460',
  repairing: 'fill:#d1ecf1,stroke:#117a8b,color:#0c5460',
  pending: 'fill:#f8f9fa,stroke:#6c757d,color:#495057',
};

/** The DAG, one subgraph per phase, each node classed by its final state. */
export function dagFlowchart(state: RunState): string {
  const tasks = Object.values(state.tasks);
  const lines = ['flowchart LR'];
  for (const phase of state.phases) {
    const inPhase = tasks.filter((t) => t.phase === phase.id);
    if (inPhase.length === 0) continue;
    lines.push(`  subgraph ${nodeId('p', phase.id)}["${label(phase.title)}"]`);
    for (const task of inPhase) lines.push(`    ${taskNode(task)}`);
    lines.push('  end');
  }
  for (const task of tasks.filter((t) => !state.phases.some((p) => p.id === t.phase))) lines.push(`  ${taskNode(task)}`);
  for (const task of tasks) {
    for (const need of task.needs) lines.push(`  ${nodeId('t', need)} --> ${nodeId('t', task.id)}`);
  }
  const used = new Set(tasks.map((t) => t.state));
  for (const [state_, style] of Object.entries(NODE_STYLE)) {
    if (used.has(state_ as TaskState)) lines.push(`  classDef ${state_} ${style}`);
  }
  return lines.join('\n');
}

function taskNode(task: TaskRecord): string {
  return `${nodeId('t', task.id)}["${label(task.id)}<br/>${label(task.title)}<br/>${task.state}"]:::${task.state}`;
}
