// summary.md: the run at a glance: totals, a table per phase, the timeline, the graph.
import { formatClock, formatDuration, formatTokens, type RunState } from '../events/index.js';
import { formatUsd } from '../cost/formatUsd.js';
import { table } from './markdown.js';
import { dagFlowchart, ganttChart } from './mermaid.js';
import { describeCounts } from '../events/index.js';
import type { RunSummary } from './summaries.js';

export function renderSummaryMarkdown(summary: RunSummary, state: RunState): string {
  const u = summary.usage;
  const parts = [
    `# Run ${summary.runId}: ${summary.status}`,
    [
      `- Graph: \`${summary.graphName}\` (${summary.graph})`,
      `- Provider: ${summary.provider}`,
      `- Started ${summary.startedAt}${summary.durationMs !== undefined ? `, took ${formatDuration(summary.durationMs)}` : ''}`,
      ...(summary.resumedFrom ? [`- Resumed from run \`${summary.resumedFrom}\``] : []),
      `- Tasks: ${describeCounts(summary.counts)}`,
      `- Tokens: ${formatTokens(summary.totalTokens)} (input ${u.inputTokens}, output ${u.outputTokens}, cache write ${u.cacheCreationInputTokens}, cache read ${u.cacheReadInputTokens})`,
      `- Cost: ${formatUsd(summary.costUsd)}${summary.costUsd === null ? ' (a model had no price: set defaults.pricing in the graph, or pass a price file)' : ''}`,
      `- Commits: ${summary.commits}`,
    ].join('\n'),
    '## Phases',
    table(
      ['#', 'Phase', 'Tasks', 'Duration', 'Tokens', 'Cost', 'Commits', 'Report'],
      summary.phases.map((p) => [
        p.index,
        `${p.title} (${p.id})`,
        describeCounts(p.counts),
        p.durationMs === undefined ? '-' : formatDuration(p.durationMs),
        formatTokens(p.totalTokens),
        formatUsd(p.costUsd),
        p.commits,
        `[phase-${p.index}-${p.id}.md](phase-${p.index}-${p.id}.md)`,
      ]),
    ),
  ];
  const problems = summary.phases.flatMap((p) => p.tasks).filter((t) => t.state === 'failed' || t.state === 'blocked' || t.state === 'interrupted');
  if (problems.length > 0) {
    parts.push(
      '## Not done',
      table(
        ['Task', 'State', 'Why'],
        problems.map((t) => [t.id, t.state, t.reason ?? '']),
      ),
    );
  }
  const skipped = summary.phases.flatMap((p) => p.tasks).flatMap((t) => t.skippedChecks.map((s) => [t.id, s.name, s.reason]));
  if (skipped.length > 0) parts.push('## Skipped checks', table(['Task', 'Check', 'Why skipped'], skipped));
  const { chart, notStarted } = ganttChart(state);
  parts.push('## Timeline', `\`\`\`mermaid\n${chart}\n\`\`\``);
  if (notStarted.length > 0) parts.push(`Not started: ${notStarted.map((t) => `${t.id} (${t.state}${t.reason ? `: ${t.reason}` : ''})`).join(', ')}.`);
  parts.push('## Task graph', `\`\`\`mermaid\n${dagFlowchart(state)}\n\`\`\``);
  if (summary.notices.length > 0) {
    parts.push('## Notices', summary.notices.map((n) => `- ${formatClock(n.at)} ${n.level}: ${n.task ? `${n.task}: ` : ''}${n.message}`).join('\n'));
  }
  return `${parts.join('\n\n')}\n`;
}
