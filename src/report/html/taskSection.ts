// One task's part of the page: facts, every verify attempt (each check's result and output,
// JUnit cases), the commit, tokens and cost, and the transcript.
import type { TurnRecord } from '../../agent/types.js';
import { formatUsd } from '../../cost/formatUsd.js';
import { formatClock, formatDuration, formatTokens } from '../../events/index.js';
import type { VerifyAttempt } from '../../events/types.js';
import type { JUnitSummary } from '../../verify/types.js';
import type { TaskSummary } from '../summaries.js';
import { clipText, escapeHtml, taskAnchor } from './escape.js';
import { renderTranscript } from './transcriptHtml.js';
import type { TurnCost } from '../../events/runState.js';

const MAX_CHECK_OUTPUT = 8_000;

export function renderTaskSection(task: TaskSummary, turns: readonly TurnRecord[], costs: readonly TurnCost[]): string {
  const u = task.usage;
  const facts: [string, string][] = [
    ['State', `<span class="badge state-${task.state}">${escapeHtml(task.state)}</span>${task.reason ? ` ${escapeHtml(task.reason)}` : ''}`],
    [
      'Agent',
      `${escapeHtml(task.agent)}${task.model ? ` · ${escapeHtml(task.model)}` : ''} · ${task.turns} turn(s)${task.retries ? ` · ${task.retries} transient retries` : ''}`,
    ],
    ['Needs', task.needs.length ? task.needs.map((n) => `<a href="#${taskAnchor(n)}">${escapeHtml(n)}</a>`).join(', ') : '-'],
    [
      'Time',
      `${task.startedAt ? formatClock(task.startedAt) : '-'} → ${task.endedAt ? formatClock(task.endedAt) : '-'}${task.durationMs !== undefined ? ` (${formatDuration(task.durationMs)})` : ''}`,
    ],
    [
      'Tokens',
      `${formatTokens(task.totalTokens)}: input ${u.inputTokens}, output ${u.outputTokens}, cache write ${u.cacheCreationInputTokens}, cache read ${u.cacheReadInputTokens}`,
    ],
    ['Cost', `<span class="cost">${escapeHtml(formatUsd(task.costUsd))}</span>${task.costUsd === null ? ' (a turn used a model with no price)' : ''}`],
    [
      'Commit',
      task.commit
        ? `<code>${escapeHtml(task.commit.sha.slice(0, 10))}</code> ${escapeHtml(task.commit.message.split('\n')[0] ?? '')} — ${task.commit.files.map((f) => `<code>${escapeHtml(f)}</code>`).join(', ')}`
        : '-',
    ],
  ];
  const parts = [
    `<section class="task state-${task.state}" id="${taskAnchor(task.id)}" data-task="${escapeHtml(task.id)}">`,
    `<h3>${escapeHtml(task.id)}: ${escapeHtml(task.title)}</h3>`,
    `<dl class="facts">${facts.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>`,
  ];
  if (task.verify.length === 0)
    parts.push(`<p class="muted">${task.state === 'cached' ? 'Cached: not verified again in this run.' : 'No verify pass ran.'}</p>`);
  for (const attempt of task.verify) parts.push(renderAttempt(task.id, attempt));
  parts.push(renderTranscript(task.id, turns, costs), '</section>');
  return parts.join('');
}

function renderAttempt(taskId: string, attempt: VerifyAttempt): string {
  const rows = attempt.results.map((r) => {
    const note = r.status === 'skipped' ? `skipped: ${r.reason ?? 'no reason given'}` : r.junit ? junitLine(r.junit) : '';
    return `<tr class="check-${r.status}"><td>${escapeHtml(r.name)}</td><td><span class="badge check-${r.status}">${r.status}</span></td><td>${formatDuration(r.durationMs)}</td><td>${escapeHtml(note)}</td></tr>`;
  });
  const outputs = attempt.results
    .filter((r) => r.status === 'failed' && r.output.trim() !== '')
    .map(
      (r) =>
        `<div class="check-output"><div>Output of <code>${escapeHtml(r.name)}</code>:</div><pre>${escapeHtml(clipText(r.output, MAX_CHECK_OUTPUT, `state.json (task ${taskId})`).text)}</pre></div>`,
    );
  const junit = attempt.results.flatMap((r) => (r.junit ? [renderJUnit(r.junit)] : []));
  return (
    `<div class="attempt ${attempt.passed ? 'passed' : 'failed'}"><h4>Verify attempt ${attempt.attempt + 1}: ${attempt.passed ? 'passed' : 'failed'}</h4>` +
    `<table><thead><tr><th>Check</th><th>Result</th><th>Duration</th><th>Note</th></tr></thead><tbody>${rows.join('')}</tbody></table>${outputs.join('')}${junit.join('')}</div>`
  );
}

function junitLine(j: JUnitSummary): string {
  return `${j.tests} tests, ${j.failures} failures, ${j.errors} errors, ${j.skipped} skipped`;
}

function renderJUnit(j: JUnitSummary): string {
  const rows = j.cases.map(
    (c) =>
      `<tr class="case-${c.status}"><td>${escapeHtml(c.classname ? `${c.classname}::${c.name}` : c.name)}</td><td><span class="badge case-${c.status}">${c.status}</span></td><td>${c.timeSeconds}s</td><td>${escapeHtml(c.message ?? '')}</td></tr>`,
  );
  return `<details class="junit"${j.failures + j.errors > 0 ? ' open' : ''}><summary>JUnit <code>${escapeHtml(j.file)}</code>: ${junitLine(j)} in ${j.timeSeconds}s</summary><table><thead><tr><th>Case</th><th>Result</th><th>Time</th><th>Message</th></tr></thead><tbody>${rows.join('')}</tbody></table></details>`;
}
