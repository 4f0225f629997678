// `flux-triton run`: the whole conversion (or a rerun, or a resume) through runPipeline.
// This file only turns flags into RunOptions, wires Ctrl-C and prints where things went.
import { loadFaultPlan, parseLatencyOption } from '../../agent/index.js';
import { UserError } from '../../errors.js';
import { TasksSync } from '../../import/index.js';
import { countStates, describeCounts } from '../../events/index.js';
import type { RunEvent } from '../../events/types.js';
import { runPipeline } from '../../pipeline/index.js';
import { displayPath } from '../../util/displayPath.js';
import { withholdSecretsFromProcess } from '../../util/secrets.js';
import { defineCommand } from '../command.js';
import { EXIT, exitCodeForRun } from '../exitCodes.js';
import { noticeAdvice } from '../flagAdvice.js';
import { projectOptions, resolveProjectPaths } from '../commonOptions.js';
import { parseAmountOption, parseIntegerOption } from '../optionValues.js';
import { loadPriceFile } from '../../cost/index.js';

export default defineCommand({
  name: 'run',
  summary: 'Run the task graph: every task, a rerun of some, or a resume',
  usage: 'flux-triton run [--provider anthropic|scripted|claude-code [--offline]] [--task ID [--downstream]] [--resume [RUN]] [options]',
  description: [
    'Runs each task as an agent session, verifies and commits its outputs into the workspace, and writes state, transcripts and reports under reports/runs/<run>/.',
    'Without ANTHROPIC_API_KEY the scripted provider (a local Messages-API server playing tasks/scripted/) is used.',
  ].join('\n\n'),
  options: {
    ...projectOptions,
    provider: {
      type: 'string',
      valueName: 'NAME',
      choices: ['anthropic', 'scripted', 'claude-code'],
      help: 'Default: anthropic when ANTHROPIC_API_KEY is set, else scripted; claude-code runs each task as a Claude Code session (docs/providers.md)',
    },
    offline: { type: 'boolean', help: 'With --provider claude-code: replay tasks/scripted/ through Claude Code against a local server' },
    model: { type: 'string', valueName: 'MODEL', help: 'Model for every task (alias opus/sonnet/haiku or an id); overrides task and agent' },
    concurrency: { type: 'string', valueName: 'N', help: "Tasks in flight at once (default: the graph's width, at most 8)" },
    'phase-barriers': { type: 'boolean', help: 'Start a phase only when every earlier phase has finished' },
    resume: { type: 'boolean', help: 'Continue the latest run (or RUN, given as an argument) where it stopped' },
    task: { type: 'string', multiple: true, valueName: 'ID', help: 'Run only this task; its needs must have succeeded in this workspace before' },
    downstream: { type: 'boolean', help: 'With --task: also run every task that depends on it' },
    force: { type: 'boolean', help: 'Run tasks even when their inputs are unchanged (no cache)' },
    'fail-fast': { type: 'boolean', help: 'Stop at the first failed task' },
    json: { type: 'boolean', help: 'Print events as NDJSON on stdout instead of the progress view' },
    'max-cost': {
      type: 'string',
      valueName: 'USD',
      help: 'Stop starting turns once the run has cost this much; running tasks pause at a turn boundary (resumable); exit 1',
    },
    'max-tokens-per-task': {
      type: 'string',
      valueName: 'N',
      help: 'Pause a task once its session has used this many tokens (input, output, cache write and read); exit 1',
    },
    prices: { type: 'string', valueName: 'FILE', help: 'Model prices (YAML/JSON, USD per million tokens) over the shipped list and defaults.pricing' },
    'scripted-latency': { type: 'string', valueName: 'MS|FILE', help: 'Scripted provider: latency per turn in ms, or a latency plan file' },
    'scripted-faults': { type: 'string', valueName: 'FILE', help: 'Scripted provider: fault plan (YAML or JSON)' },
    'sync-tasks': { type: 'boolean', help: 'For a graph from `import spec-kit`: tick each finished task in its tasks.md' },
  },
  positionals: { name: 'RUN', min: 0, max: 1 },
  async run({ values, positionals }, io) {
    const paths = resolveProjectPaths(values, io.cwd);
    if (values.offline && values.provider !== 'claude-code') {
      throw new UserError(
        '--offline applies only to --provider claude-code',
        'The scripted provider is already offline: use --provider scripted, or add --provider claude-code.',
      );
    }
    if (positionals.length > 0 && !values.resume) {
      throw new UserError(`unexpected argument '${positionals[0]}'`, 'A run id is only taken with --resume: flux-triton run --resume RUN');
    }
    if (values.downstream && values.task.length === 0) {
      throw new UserError('--downstream needs --task', 'Example: flux-triton run --task T013 --downstream');
    }
    const tasksSync = values['sync-tasks'] ? TasksSync.forGraph(paths.graphFile) : undefined;
    const concurrency = values.concurrency === undefined ? undefined : parseIntegerOption(values.concurrency, 'concurrency', { min: 1, max: 64 }, 'run');

    const maxCostUsd = values['max-cost'] === undefined ? undefined : parseAmountOption(values['max-cost'], 'max-cost', 'run');
    const maxTokensPerTask =
      values['max-tokens-per-task'] === undefined ? undefined : parseIntegerOption(values['max-tokens-per-task'], 'max-tokens-per-task', { min: 1 }, 'run');
    const prices = values.prices === undefined ? undefined : await loadPriceFile(values.prices);

    const controller = new AbortController();
    let interrupts = 0;
    const onSigint = (): void => {
      interrupts++;
      if (interrupts > 1) process.exit(EXIT.interrupted); // the second Ctrl-C does not wait for anything
      io.stderr.write('\nInterrupting: aborting requests in flight and writing state (Ctrl-C again to exit at once)\n');
      controller.abort();
    };
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigint);
    // The run keeps its own copy; this process forgets the secrets, so nothing it starts
    // (git, python, a tool) inherits them, and redaction still knows them.
    const env = { ...io.env };
    withholdSecretsFromProcess(env);
    // Notices with a code (a reached spending limit) get the CLI's advice once the run ends.
    const noticeCodes = new Set<string>();
    const onEvent = (event: RunEvent): void => {
      tasksSync?.onEvent(event);
      if (event.type === 'run:notice' && event.code !== undefined) noticeCodes.add(event.code);
    };
    try {
      const summary = await runPipeline({
        ...paths,
        projectRoot: io.cwd,
        provider: values.provider,
        offline: values.offline,
        model: values.model,
        concurrency,
        phaseBarriers: values['phase-barriers'],
        resume: values.resume ? (positionals[0] ?? true) : undefined,
        tasks: values.task.length > 0 ? values.task : undefined,
        downstream: values.downstream,
        force: values.force,
        failFast: values['fail-fast'],
        maxCostUsd,
        maxTokensPerTask,
        prices,
        scriptedLatency: values['scripted-latency'] ? await parseLatencyOption(values['scripted-latency']) : undefined,
        scriptedFaults: values['scripted-faults'] ? await loadFaultPlan(values['scripted-faults']) : undefined,
        env,
        signal: controller.signal,
        onEvent,
        progress: { stream: process.stdout, isTTY: Boolean(process.stdout.isTTY) && !values.json, json: values.json },
      });
      // Tasks finished by an earlier run (a resume, or one run without --sync-tasks) are done too.
      tasksSync?.tick(
        Object.entries(summary.tasks)
          .filter(([, state]) => state === 'succeeded' || state === 'cached')
          .map(([id]) => id),
      );
      if (!values.json) {
        const tally = describeCounts(countStates(Object.values(summary.tasks).map((state) => ({ state }))));
        io.stderr.write(
          `\nRun ${summary.runId} ${summary.status}: ${tally}\n` +
            `  workspace: ${displayPath(summary.workspaceDir, io.cwd)}\n` +
            `  reports:   ${displayPath(summary.runDir, io.cwd)}  (flux-triton report ${summary.runId}; open summary.html in a browser)\n` +
            (tasksSync ? `  tasks.md:  ${displayPath(tasksSync.tasksFile, io.cwd)}: ${tasksSync.ticked.length} task(s) ticked\n` : ''),
        );
      }
      // On stderr in --json mode too: stdout is the events (which carry the codes).
      for (const code of noticeCodes) {
        const advice = noticeAdvice(code, summary.runId);
        if (advice) io.stderr.write(`hint: ${advice}\n`);
      }
      // A spending limit that paused the run is a failure to finish (1), not a Ctrl-C (130).
      return summary.stoppedByBudget ? EXIT.failed : exitCodeForRun(summary.status);
    } finally {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigint);
      // Interrupted: another Ctrl-C before the process has exited still means "exit 130",
      // not death by the signal's default action.
      if (interrupts > 0) {
        process.once('SIGINT', () => process.exit(130));
        process.once('SIGTERM', () => process.exit(130));
      }
    }
  },
});
