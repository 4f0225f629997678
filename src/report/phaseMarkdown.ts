// phase-<n>-<id>.md: what a phase's tasks did, attempt by attempt, check by check.
// Skipped checks are listed as skipped with their reason, never folded into "passed".
import { formatUsd } from '../cost/formatUsd.js';
import { formatClock, formatDuration, formatTokens } from '../events/index.js';
import type { JUnitSummary } from '../verify/types.js';
import { clip, codeBlock, table } from './markdown.js';
import { describeCounts } from '../events/index.js';
import type { PhaseSummary, TaskSummary } from './summaries.js';

export function renderPhaseMarkdown(phase: PhaseSummary, run: { runId: string; graphName: string }): string {
  const parts = [
    `# Phase ${phase.index}: ${phase.title} (\`${phase.id}\`)`,
    `Run \`${run.runId}\` · graph \`${run.graphName}\` · ${phase.startedAt ? `started ${formatClock(phase.startedAt)} · ` : ''}${phase.durationMs !== undefined ? `took ${formatDuration(phase.durationMs)} · ` : ''}${describeCounts(phase.counts)} · ${formatTokens(phase.totalTokens)} tokens · cost ${formatUsd(phase.costUsd)} · ${phase.commits} commit(s)`,
    table(
      ['Task', 'Title', 'Agent', 'State', 'Attempts', 'Duration', 'Tokens in / out / cache write / cache read', 'Cost', 'Commit'],
      phase.tasks.map((t) => [
        t.id,
        t.title,
        t.agent,
        t.reason ? `${t.state}: ${t.reason}` : t.state,
        t.attempts,
        t.durationMs === undefined ? '-' : formatDuration(t.durationMs),
        usageCell(t),
        formatUsd(t.costUsd),
        t.commit ? `\`${t.commit.sha.slice(0, 7)}\`` : '-',
      ]),
    ),
  ];
  const skipped = phase.tasks.flatMap((t) => t.skippedChecks.map((s) => [t.id, s.name, s.reason]));
  if (skipped.length > 0) {
    parts.push('## Skipped checks', 'These checks did not run, so they verified nothing.', table(['Task', 'Check', 'Why skipped'], skipped));
  }
  for (const task of phase.tasks) parts.push(renderTaskSection(task));
  return `${parts.join('\n\n')}\n`;
}

function usageCell(t: TaskSummary): string {
  const u = t.usage;
  return `${u.inputTokens} / ${u.outputTokens} / ${u.cacheCreationInputTokens} / ${u.cacheReadInputTokens}`;
}

function renderTaskSection(task: TaskSummary): string {
  const facts = [
    `- State: **${task.state}**${task.reason ? ` (${task.reason})` : ''}`,
    `- Agent: ${task.agent}${task.model ? ` · model ${task.model}` : ''} · ${task.turns} turn(s)${task.retries ? ` · ${task.retries} transient retr${task.retries === 1 ? 'y' : 'ies'}` : ''}`,
    `- Tokens: input ${task.usage.inputTokens}, output ${task.usage.outputTokens}, cache write ${task.usage.cacheCreationInputTokens}, cache read ${task.usage.cacheReadInputTokens} · cost ${formatUsd(task.costUsd)}`,
  ];
  if (task.needs.length > 0) facts.push(`- Needs: ${task.needs.join(', ')}`);
  if (task.startedAt || task.endedAt) {
    facts.push(
      `- Time: ${task.startedAt ? formatClock(task.startedAt) : '-'} → ${task.endedAt ? formatClock(task.endedAt) : '-'}${task.durationMs !== undefined ? ` (${formatDuration(task.durationMs)})` : ''}`,
    );
  }
  if (task.commit) facts.push(`- Commit: \`${task.commit.sha.slice(0, 7)}\` — ${task.commit.files.map((f) => `\`${f}\``).join(', ')}`);
  const parts = [`## ${task.id}: ${task.title}`, facts.join('\n')];
  if (task.verify.length === 0) parts.push(task.state === 'cached' ? '_Cached: not verified again in this run._' : '_No verify pass ran._');
  for (const attempt of task.verify) {
    parts.push(`### Verify attempt ${attempt.attempt + 1}: ${attempt.passed ? 'passed' : 'failed'}`);
    parts.push(
      table(
        ['Check', 'Status', 'Duration', 'Note'],
        attempt.results.map((r) => [
          r.name,
          r.status === 'skipped' ? '**skipped**' : r.status,
          formatDuration(r.durationMs),
          r.status === 'skipped' ? (r.reason ?? 'no reason given') : r.junit ? junitLine(r.junit) : '',
        ]),
      ),
    );
    for (const result of attempt.results.filter((r) => r.status === 'failed' && r.output.trim())) {
      parts.push(`Output of \`${result.name}\`:\n\n${codeBlock(clip(result.output))}`);
    }
  }
  for (const junit of task.junit) parts.push(renderJUnit(junit));
  return parts.join('\n\n');
}

export function junitLine(j: JUnitSummary): string {
  return `${j.tests} tests, ${j.failures} failures, ${j.errors} errors, ${j.skipped} skipped`;
}

function renderJUnit(j: JUnitSummary): string {
  const lines = [`#### JUnit \`${j.file}\`: ${junitLine(j)} in ${j.timeSeconds}s`];
  const notPassed = j.cases.filter((c) => c.status !== 'passed');
  if (notPassed.length > 0) {
    lines.push(
      '',
      table(
        ['Case', 'Status', 'Message'],
        notPassed.map((c) => [`${c.classname ? `${c.classname}::` : ''}${c.name}`, c.status, c.message ?? '']),
      ),
    );
  }
  return lines.join('\n');
}
