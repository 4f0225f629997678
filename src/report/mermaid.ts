// The run as Mermaid diagrams: a Gantt timeline (what ran when, by phase) and the task
// graph coloured by final state. Both render on GitHub and in most Markdown viewers.
import type { RunState, TaskRecord } from '../events/index.js';
import type { TaskState } from '../events/types.js';
import { mermaidNodeIds } from '../util/mermaidIds.js';

/** One Mermaid id per task id; needs that name no task in the state get one too. */
function taskIds(state: RunState): (id: string) => string {
  const ids = mermaidNodeIds(
    Object.values(state.tasks).flatMap((t) => [t.id, ...t.needs]),
    't_',
  );
  return (id) => ids.get(id) as string;
}

/**
 * Gantt's lexer reads a line that starts with one of its keywords (`section x`, `title x`,
 * `excludes x`, `click x`, a `YYYY-MM-DD` date, `%`…) as that statement, not as a bar, and
 * task ids like `section` or `2026-01-01` are valid. Such a bar name gets a neutral lead-in.
 */
const GANTT_KEYWORD =
  /^(?:%|(?:gantt|inclusiveEndDates|topAxis)\b|(?:dateFormat|axisFormat|tickInterval|includes|excludes|todayMarker|title|accDescription|section|click|call|href|weekday|weekend)\s|acc(?:Title|Descr)\s*[:{]|\d{4}-\d\d-\d\d\b)/i;

function barName(text: string): string {
  return GANTT_KEYWORD.test(text) ? `▸ ${text}` : text;
}

/** Label text that cannot break the syntax: quotes, colons, hashes and brackets replaced. */
function label(text: string): string {
  return text
    .replace(/"/g, "'")
    .replace(/[:;#]/g, ' ')
    .replace(/[[\]{}<>]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
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
  const runEnd =
    Date.parse(state.endedAt ?? '') || Math.max(Date.parse(state.startedAt), ...Object.values(state.tasks).map((t) => Date.parse(t.endedAt ?? '') || 0));
  const lines = ['gantt', `  title Run ${label(state.runId)}`, '  dateFormat x', '  axisFormat %H:%M:%S'];
  const notStarted: TaskRecord[] = [];
  const idOf = taskIds(state);
  const sections = [...state.phases.map((p) => ({ id: p.id, title: p.title })), { id: '', title: 'Other' }];
  for (const section of sections) {
    const tasks = Object.values(state.tasks).filter((t) => (section.id === '' ? !state.phases.some((p) => p.id === t.phase) : t.phase === section.id));
    const bars: string[] = [];
    for (const task of tasks) {
      const id = idOf(task.id);
      const name = barName(label(`${task.id} ${task.title}`));
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
  const idOf = taskIds(state);
  const phaseId = mermaidNodeIds(
    state.phases.map((p) => p.id),
    'p_',
  );
  const lines = ['flowchart LR'];
  for (const phase of state.phases) {
    const inPhase = tasks.filter((t) => t.phase === phase.id);
    if (inPhase.length === 0) continue;
    lines.push(`  subgraph ${phaseId.get(phase.id)}["${label(phase.title)}"]`);
    for (const task of inPhase) lines.push(`    ${taskNode(task, idOf(task.id))}`);
    lines.push('  end');
  }
  for (const task of tasks.filter((t) => !state.phases.some((p) => p.id === t.phase))) lines.push(`  ${taskNode(task, idOf(task.id))}`);
  for (const task of tasks) {
    for (const need of task.needs) lines.push(`  ${idOf(need)} --> ${idOf(task.id)}`);
  }
  const used = new Set(tasks.map((t) => t.state));
  for (const [state_, style] of Object.entries(NODE_STYLE)) {
    if (used.has(state_ as TaskState)) lines.push(`  classDef ${state_} ${style}`);
  }
  return lines.join('\n');
}

function taskNode(task: TaskRecord, id: string): string {
  return `${id}["${label(task.id)}<br/>${label(task.title)}<br/>${task.state}"]:::${task.state}`;
}
