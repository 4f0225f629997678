// The run's timeline as an SVG Gantt chart: one row per task, grouped by phase; each bar
// split into model turns, tool time, verify passes and the commit; bars on the critical
// path outlined. A cached task is a diamond at the moment it was found cached; a task that
// never started gets its row with the reason, so every task has exactly one shape.
import { formatDuration } from '../../events/index.js';
import { escapeHtml, taskAnchor } from './escape.js';
import type { RunTimeline, TaskTimeline } from './timeline.js';

const LABEL_WIDTH = 230;
const CHART_WIDTH = 760;
const ROW = 24;
const AXIS = 28;

export function renderGanttSvg(timeline: RunTimeline, phases: readonly { id: string; title: string }[]): string {
  const span = Math.max(1, timeline.end - timeline.start);
  const x = (ms: number): number => LABEL_WIDTH + ((ms - timeline.start) / span) * CHART_WIDTH;
  const groups = [...phases.map((p) => ({ id: p.id, title: p.title })), { id: '\u0000other', title: 'Other' }];
  const rows: string[] = [];
  let y = AXIS;
  for (const group of groups) {
    const inGroup = timeline.tasks.filter((t) => (group.id === '\u0000other' ? !phases.some((p) => p.id === t.task.phase) : t.task.phase === group.id));
    if (inGroup.length === 0) continue;
    rows.push(`<text class="gantt-phase" x="4" y="${y + 16}">${escapeHtml(group.title)}</text>`);
    y += ROW;
    for (const task of inGroup) {
      rows.push(taskRow(task, y, x, timeline.criticalPath.includes(task.task.id)));
      y += ROW;
    }
  }
  const ticks: string[] = [];
  for (let i = 0; i <= 5; i++) {
    const at = LABEL_WIDTH + (CHART_WIDTH * i) / 5;
    ticks.push(
      `<line class="gantt-tick" x1="${at}" y1="${AXIS - 6}" x2="${at}" y2="${y}"/><text class="gantt-axis" x="${at}" y="${AXIS - 10}">${formatDuration((span * i) / 5)}</text>`,
    );
  }
  const width = LABEL_WIDTH + CHART_WIDTH + 40;
  return `<svg class="gantt" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Timeline" width="${width}" height="${y + 6}" viewBox="0 0 ${width} ${y + 6}">${ticks.join('')}${rows.join('')}</svg>`;
}

function taskRow(t: TaskTimeline, y: number, x: (ms: number) => number, critical: boolean): string {
  const { task } = t;
  const label = `${task.id} ${task.title}`;
  const shown = label.length > 32 ? `${label.slice(0, 31)}…` : label;
  const head = `<a href="#${taskAnchor(task.id)}"><g class="gantt-task state-${task.state}${critical ? ' critical' : ''}" data-task="${escapeHtml(task.id)}"><text class="gantt-label" x="12" y="${y + 16}">${escapeHtml(shown)}</text>`;
  if (t.start === undefined || t.end === undefined) {
    if (task.state === 'cached' && task.endedAt) {
      const cx = x(Date.parse(task.endedAt));
      return `${head}<title>${escapeHtml(`${task.id}: cached${task.reason ? ` (${task.reason})` : ''}`)}</title><path class="gantt-milestone" d="M${cx},${y + 4} L${cx + 7},${y + 12} L${cx},${y + 20} L${cx - 7},${y + 12} z"/></g></a>`;
    }
    return `${head}<title>${escapeHtml(`${task.id}: not started — ${task.state}${task.reason ? `: ${task.reason}` : ''}`)}</title><text class="gantt-note" x="${LABEL_WIDTH + 10}" y="${y + 16}">not started: ${escapeHtml(task.state)}${task.reason ? ` — ${escapeHtml(task.reason.slice(0, 80))}` : ''}</text></g></a>`;
  }
  const left = x(t.start);
  const width = Math.max(2, x(t.end) - left);
  const parts = [
    `${head}<title>${escapeHtml(`${task.id}: ${task.state}, ${formatDuration(t.end - t.start)}${critical ? ' (critical path)' : ''}`)}</title>`,
    `<rect class="gantt-bar" x="${left.toFixed(1)}" y="${y + 4}" width="${width.toFixed(1)}" height="16" rx="2"/>`,
  ];
  for (const segment of t.segments) {
    const sx = x(segment.start);
    const sw = Math.max(1, x(segment.end) - sx);
    parts.push(
      `<rect class="seg seg-${segment.kind}" x="${sx.toFixed(1)}" y="${y + 6}" width="${sw.toFixed(1)}" height="12"><title>${escapeHtml(`${segment.label}: ${formatDuration(segment.end - segment.start)}`)}</title></rect>`,
    );
  }
  parts.push('</g></a>');
  return parts.join('');
}
