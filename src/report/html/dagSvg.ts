// The task graph as an SVG: laid out by dagre (left to right, one cluster per phase), each
// node coloured by the task's final state, edges on the critical path drawn heavier.
import { Graph, layout } from '@dagrejs/dagre';
import type { RunState } from '../../events/index.js';
import { escapeHtml, taskAnchor } from './escape.js';

const NODE_WIDTH = 150;
const NODE_HEIGHT = 46;

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export function renderDagSvg(state: RunState, criticalPath: readonly string[]): string {
  const tasks = Object.values(state.tasks);
  const graph = new Graph({ compound: true, multigraph: false });
  graph.setGraph({ rankdir: 'LR', nodesep: 16, ranksep: 56, marginx: 12, marginy: 12 });
  graph.setDefaultEdgeLabel(() => ({}));
  const phasesUsed = state.phases.filter((p) => tasks.some((t) => t.phase === p.id));
  for (const phase of phasesUsed) graph.setNode(`phase:${phase.id}`, { label: phase.title, paddingTop: 26 });
  for (const task of tasks) {
    graph.setNode(`task:${task.id}`, { width: NODE_WIDTH, height: NODE_HEIGHT });
    if (phasesUsed.some((p) => p.id === task.phase)) graph.setParent(`task:${task.id}`, `phase:${task.phase}`);
  }
  const known = new Set(tasks.map((t) => t.id));
  for (const task of tasks) for (const need of task.needs) if (known.has(need)) graph.setEdge(`task:${need}`, `task:${task.id}`);
  layout(graph);

  const onPath = new Set<string>();
  for (let i = 1; i < criticalPath.length; i++) onPath.add(`${criticalPath[i - 1]}→${criticalPath[i]}`);
  const { width = 0, height = 0 } = graph.graph();
  const parts: string[] = [];
  for (const phase of phasesUsed) {
    const box = graph.node(`phase:${phase.id}`) as unknown as Box;
    const left = box.x - box.width / 2;
    const top = box.y - box.height / 2 - 14;
    parts.push(
      `<g class="dag-phase"><rect x="${left}" y="${top}" width="${box.width}" height="${box.height + 14}" rx="8"/><text x="${left + 8}" y="${top + 16}">${escapeHtml(phase.title)}</text></g>`,
    );
  }
  for (const task of tasks) {
    for (const need of task.needs.filter((n) => known.has(n))) {
      const edge = graph.edge(`task:${need}`, `task:${task.id}`) as { points: { x: number; y: number }[] } | undefined;
      if (!edge) continue;
      const d = edge.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
      const critical = onPath.has(`${need}→${task.id}`) ? ' critical' : '';
      parts.push(`<path class="dag-edge${critical}" d="${d}" marker-end="url(#arrow)"/>`);
    }
  }
  for (const task of tasks) {
    const box = graph.node(`task:${task.id}`) as unknown as Box;
    const left = box.x - NODE_WIDTH / 2;
    const top = box.y - NODE_HEIGHT / 2;
    const title = task.title.length > 22 ? `${task.title.slice(0, 21)}…` : task.title;
    const critical = criticalPath.includes(task.id) ? ' critical' : '';
    parts.push(
      `<a href="#${taskAnchor(task.id)}"><g class="dag-node state-${task.state}${critical}" data-task="${escapeHtml(task.id)}"><title>${escapeHtml(`${task.id}: ${task.title} — ${task.state}${task.reason ? ` (${task.reason})` : ''}`)}</title>` +
        `<rect x="${left}" y="${top}" width="${NODE_WIDTH}" height="${NODE_HEIGHT}" rx="6"/>` +
        `<text x="${left + 8}" y="${top + 18}" class="dag-id">${escapeHtml(task.id)} · ${escapeHtml(task.state)}</text>` +
        `<text x="${left + 8}" y="${top + 35}">${escapeHtml(title)}</text></g></a>`,
    );
  }
  return (
    `<svg class="dag" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Task graph" width="${Math.ceil(width)}" height="${Math.ceil(height + 14)}" viewBox="0 -14 ${Math.ceil(width)} ${Math.ceil(height + 14)}">` +
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrow-head"/></marker></defs>` +
    `${parts.join('')}</svg>`
  );
}
