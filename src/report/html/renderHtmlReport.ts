// summary.html: one self-contained page for a run — header, what failed and why (first,
// when anything did), the task graph and timeline as inline SVG, a table per phase, and a
// section per task with its verify attempts, commit, cost and transcript.
import { formatUsd } from '../../cost/formatUsd.js';
import { describeCounts, formatClock, formatDuration, formatTokens } from '../../events/index.js';
import { redactSecrets } from '../../util/secrets.js';
import { summarizeRun, type PhaseSummary, type RunSummary, type TaskSummary } from '../summaries.js';
import { renderDagSvg } from './dagSvg.js';
import { clipText, escapeHtml, taskAnchor } from './escape.js';
import { renderGanttSvg } from './ganttSvg.js';
import { PAGE_CSS, PAGE_SCRIPT } from './pageAssets.js';
import type { RunRecord } from './runRecord.js';
import { renderTaskSection } from './taskSection.js';
import { buildTimeline } from './timeline.js';

// `pending` is left out: after `run --task`, tasks outside the scope stay pending, which is not a failure.
const NOT_DONE = new Set(['failed', 'blocked', 'interrupted', 'running', 'verifying', 'repairing']);

export function renderHtmlReport(record: RunRecord): string {
  const { state } = record;
  const summary = summarizeRun(state);
  const timeline = buildTimeline(record);
  const tasks = summary.phases.flatMap((p) => p.tasks);
  const models = [...new Set(tasks.flatMap((t) => (t.model ? [t.model] : [])))];
  const body = [
    `<header class="header"><h1>Run ${escapeHtml(summary.runId)}: <span class="status-${summary.status}">${escapeHtml(summary.status)}</span></h1>${renderHeader(summary, models)}</header>`,
    renderFailure(summary, tasks),
    `<nav class="toc">${['Task graph', 'Timeline', 'Phases', 'Tasks'].map((s) => `<a href="#${s.toLowerCase().replace(/ /g, '-')}">${s}</a>`).join('')}<button id="expand-all" type="button">Expand all transcripts</button></nav>`,
    `<h2 id="task-graph">Task graph</h2><p class="muted">Coloured by final state; the critical path (the chain of needs that finished last) is drawn in orange. Click a task for its details.</p><div class="figure">${renderDagSvg(state, timeline.criticalPath)}</div>`,
    `<h2 id="timeline">Timeline</h2><p class="legend"><span><i class="seg-model" style="background:#4dabf7"></i>model turn</span><span><i style="background:#ffa94d"></i>tool calls</span><span><i style="background:#b197fc"></i>verify</span><span><i style="background:#51cf66"></i>commit</span><span><i style="background:#e9ecef;border:2px solid #d9480f"></i>critical path: ${escapeHtml(timeline.criticalPath.join(' → ') || 'none')}</span></p><div class="figure">${renderGanttSvg(timeline, state.phases)}</div>`,
    `<h2 id="phases">Phases</h2>${summary.phases.map(renderPhaseTable).join('')}`,
    renderNotices(summary),
    `<h2 id="tasks">Tasks</h2>${tasks.map((t) => renderTaskSection(t, record.transcripts.get(t.id) ?? [], state.tasks[t.id]?.turnCosts ?? [])).join('')}`,
  ];
  const html =
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">` +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(`flux-triton run ${summary.runId} (${summary.status})`)}</title>` +
    `<style>${PAGE_CSS}</style></head><body><main>${body.join('\n')}</main><script>${PAGE_SCRIPT}</script></body></html>\n`;
  return redactSecrets(html);
}

function renderHeader(summary: RunSummary, models: string[]): string {
  const u = summary.usage;
  const rows: [string, string][] = [
    ['Graph', `<code>${escapeHtml(summary.graphName)}</code> (${escapeHtml(summary.graph)})`],
    ['Provider', escapeHtml(summary.provider)],
    ['Model', models.length ? models.map((m) => `<code>${escapeHtml(m)}</code>`).join(', ') : '-'],
    ['Result', `<span class="status-${summary.status}">${escapeHtml(summary.status)}</span>: ${escapeHtml(describeCounts(summary.counts))}`],
    ['Started', `${escapeHtml(summary.startedAt)}${summary.resumedFrom ? ` (resumed run ${escapeHtml(summary.resumedFrom)})` : ''}`],
    ['Duration', summary.durationMs === undefined ? 'not finished' : formatDuration(summary.durationMs)],
    [
      'Tokens',
      `${formatTokens(summary.totalTokens)}: input ${u.inputTokens}, output ${u.outputTokens}, cache write ${u.cacheCreationInputTokens}, cache read ${u.cacheReadInputTokens}`,
    ],
    [
      'Cost',
      `<span class="cost" id="run-cost">${escapeHtml(formatUsd(summary.costUsd))}</span>${summary.costUsd === null ? ' — some turns used a model with no price; give one in the graph (defaults.pricing) or a price file' : ''}${summary.provider === 'scripted' ? ' <span class="muted">(scripted provider: simulated usage priced at list prices; nothing was billed)</span>' : ''}`,
    ],
    ['Commits', String(summary.commits)],
  ];
  return `<dl>${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>`;
}

/** A run that did not fully succeed opens with what went wrong and why. */
function renderFailure(summary: RunSummary, tasks: TaskSummary[]): string {
  if (summary.status === 'succeeded') return '';
  const notDone = tasks.filter((t) => NOT_DONE.has(t.state));
  const notStarted = tasks.filter((t) => t.state === 'pending').map((t) => t.id);
  const items = notDone.map((t) => {
    const last = t.verify.at(-1);
    const failedChecks = last && !last.passed ? last.results.filter((r) => r.status === 'failed') : [];
    const checks = failedChecks
      .map(
        (r) =>
          `<div>Check <code>${escapeHtml(r.name)}</code> failed:</div>${r.output.trim() ? `<pre>${escapeHtml(clipText(r.output, 2_000, `the ${t.id} section`).text)}</pre>` : ''}`,
      )
      .join('');
    return `<li><a href="#${taskAnchor(t.id)}"><b>${escapeHtml(t.id)}</b></a> ${escapeHtml(t.title)}: <span class="badge state-${t.state}">${escapeHtml(t.state)}</span> ${escapeHtml(t.reason ?? '')}${checks}</li>`;
  });
  // Only what bears on the failure: run-wide warnings and those of tasks that did not finish
  // (a retried turn of a task that then succeeded is in that task's own section).
  const notDoneIds = new Set(notDone.map((t) => t.id));
  const warnings = summary.notices
    .filter((n) => n.level === 'warn' && (!n.task || notDoneIds.has(n.task)))
    .map((n) => `<li class="notice-warn">${escapeHtml(n.task ? `${n.task}: ` : '')}${escapeHtml(n.message)}</li>`);
  return (
    `<section class="failure" id="failure"><h2>Run ${escapeHtml(summary.status)}: ${escapeHtml(describeCounts(summary.counts))}</h2>` +
    `<p>What did not finish, and why:</p><ul>${items.join('')}</ul>` +
    (notStarted.length ? `<p>Not started (outside this run's scope, or the run stopped first): ${escapeHtml(notStarted.join(', '))}.</p>` : '') +
    `${warnings.length ? `<p>Warnings:</p><ul>${warnings.join('')}</ul>` : ''}</section>`
  );
}

function renderPhaseTable(phase: PhaseSummary): string {
  const rows = phase.tasks.map(
    (t) =>
      `<tr><td><a href="#${taskAnchor(t.id)}">${escapeHtml(t.id)}</a></td><td>${escapeHtml(t.title)}</td><td>${escapeHtml(t.agent)}</td><td><span class="badge state-${t.state}">${escapeHtml(t.state)}</span></td><td>${t.attempts}</td><td>${t.durationMs === undefined ? '-' : formatDuration(t.durationMs)}</td><td>${t.totalTokens ? formatTokens(t.totalTokens) : '-'}</td><td>${escapeHtml(formatUsd(t.costUsd))}</td><td>${t.commit ? `<code>${escapeHtml(t.commit.sha.slice(0, 7))}</code>` : '-'}</td></tr>`,
  );
  return (
    `<h3 id="phase-${escapeHtml(phase.id)}">Phase ${phase.index}: ${escapeHtml(phase.title)} <span class="muted">(${escapeHtml(phase.id)}) · ${escapeHtml(describeCounts(phase.counts))}${phase.durationMs !== undefined ? ` · ${formatDuration(phase.durationMs)}` : ''} · ${formatTokens(phase.totalTokens)} tokens · ${escapeHtml(formatUsd(phase.costUsd))}</span></h3>` +
    `<table class="phase-table"><thead><tr><th>Task</th><th>Title</th><th>Agent</th><th>State</th><th>Attempts</th><th>Duration</th><th>Tokens</th><th>Cost</th><th>Commit</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
  );
}

function renderNotices(summary: RunSummary): string {
  if (summary.notices.length === 0) return '';
  const items = summary.notices.map(
    (n) => `<li class="notice-${n.level}">${formatClock(n.at)} ${n.level}: ${escapeHtml(n.task ? `${n.task}: ` : '')}${escapeHtml(n.message)}</li>`,
  );
  return `<h2 id="notices">Notices</h2><ul>${items.join('')}</ul>`;
}
